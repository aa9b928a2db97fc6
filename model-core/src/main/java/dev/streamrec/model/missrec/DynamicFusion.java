package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.streamrec.model.train.Scalars;

import java.util.List;

/**
 * MISSRec's item-side fusion of per-modality scores (paper: dynamic fusion; code:
 * {@code _compute_dynamic_fused_logits}). For a unit user vector q and candidate j with normalised
 * modality vectors v_j^m: s^m = ⟨q, v_j^m⟩, w = softmax_m(α·s^m), fused = Σ_m w_m s^m, which lies
 * between the mean (α = 0) and the max (α → ∞). {@code STATIC} is the plain mean; {@code PER_ITEM}
 * learns one α per item. Transductive adds the ID view as the code does: (s_id + 2·fused) / 3 (the
 * code's weights for its two modalities, kept for any number of modalities). Logits are score / τ.
 */
public final class DynamicFusion {

    private DynamicFusion() {}

    /**
     * @param q unit user vectors (B, D)
     * @param modalityVectors normalised candidate vectors, per modality (C, D)
     * @param alpha the shared α (1) or per-candidate α (C); ignored for {@code STATIC}
     * @param idVectors normalised candidate ID vectors (C, D), or null (inductive)
     * @return fused scores (B, C), before the temperature
     */
    public static NDArray score(
            NDArray q, List<NDArray> modalityVectors, NDArray alpha, NDArray idVectors, MissRecConfig.Fusion fusion) {
        NDList per = new NDList();
        for (NDArray v : modalityVectors) {
            per.add(q.matMul(v.transpose())); // (B, C)
        }
        NDArray fused;
        if (fusion != MissRecConfig.Fusion.STATIC && per.size() == 2) {
            // the softmax over two modalities in closed form: w_1 = σ(α(s^1 - s^2)), so
            // fused = s^2 + (s^1 - s^2)·σ(α(s^1 - s^2)); the same function in three passes fewer
            NDArray a = fusion == MissRecConfig.Fusion.DYNAMIC && alpha.getShape().size() == 1
                    ? alpha
                    : alpha.reshape(1, alpha.getShape().size());
            NDArray diff = per.get(0).sub(per.get(1)); // (B, C)
            fused = diff.mul(diff.mul(a).getNDArrayInternal().sigmoid()).add(per.get(1));
            return withIds(q, fused, idVectors);
        }
        NDArray s = NDArrays.stack(per); // (M, B, C)
        if (fusion == MissRecConfig.Fusion.STATIC) {
            fused = s.mean(new int[] {0});
        } else {
            NDArray a = alpha.getShape().size() == 1 && fusion == MissRecConfig.Fusion.DYNAMIC
                    ? alpha.reshape(1, 1, 1)
                    : alpha.reshape(1, 1, alpha.getShape().size());
            NDArray w = s.mul(a).softmax(0);
            fused = w.mul(s).sum(new int[] {0});
        }
        return withIds(q, fused, idVectors);
    }

    private static NDArray withIds(NDArray q, NDArray fused, NDArray idVectors) {
        if (idVectors == null) {
            return fused;
        }
        return Scalars.div(q.matMul(idVectors.transpose()).add(Scalars.mul(fused, 2f)), 3f);
    }
}
