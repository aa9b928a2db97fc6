package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

/**
 * {@link DynamicFusion}'s logits for a frozen catalogue of two modalities, with the catalogue side
 * folded ahead of time. With d = ⟨q, v¹ − v²⟩ the fused score is s² + d·σ(α·d), so the logit is
 * ⟨q, b⟩ + c·d·σ(α·d), where b = v² (inductive) or (e + 2v²) / 3 with the ID vector e
 * (transductive), c = 1 or 2/3, both over τ; the static mean folds completely (b = the mean, c = 0).
 * A block then takes two products instead of three (transductive) and four fewer passes over
 * [batch x block]. The same function as {@link DynamicFusion#score} up to float rounding; serving
 * and evaluation only, never training (the catalogue is frozen).
 *
 * @param base (C, D): the part of the logit linear in q, over τ
 * @param diff (C, D): v¹ − v², or null when the fusion is the static mean
 * @param alpha (1) shared, or (C) per item (the catalogue's, not closed here)
 * @param diffScale c / τ
 */
record FoldedFusion(NDArray base, NDArray diff, NDArray alpha, float diffScale) implements AutoCloseable {

    /**
     * Folds the frozen scoring vectors of {@link MissRecModel#catalogueVectors} (normalised
     * modality vectors, α, then the normalised ID vectors when transductive); null unless the
     * catalogue has exactly two modalities. The folded arrays stay out of any {@link NDScope}:
     * {@link #close} releases them (α stays the catalogue's).
     */
    static FoldedFusion of(NDList vectors, MissRecConfig config) {
        if (config.numModalities() != 2) {
            return null;
        }
        NDArray v1 = vectors.get(0);
        NDArray v2 = vectors.get(1);
        NDArray alpha = vectors.get(2);
        NDArray ids = config.transductive() ? vectors.get(3) : null;
        boolean mean = config.fusion() == MissRecConfig.Fusion.STATIC;
        NDArray fusedBase = mean ? v1.add(v2).div(2f) : v2;
        NDArray base = ids == null ? fusedBase : ids.add(fusedBase.mul(2f)).div(3f);
        float c = ids == null ? 1f : 2f / 3f;
        NDArray scaledBase = base.div(config.tau());
        NDArray difference = mean ? null : v1.sub(v2);
        NDScope.unregister(scaledBase);
        if (difference != null) {
            NDScope.unregister(difference);
        }
        return new FoldedFusion(scaledBase, difference, alpha, c / config.tau());
    }

    /** Logits (B, to - from) of the catalogue rows [from, to) for unit user vectors q (B, D). */
    NDArray logits(NDArray q, int from, int to) {
        NDIndex rows = new NDIndex(from + ":" + to);
        NDArray out = q.matMul(base.get(rows).transpose());
        if (diff == null) {
            return out;
        }
        NDArray d = q.matMul(diff.get(rows).transpose()); // (B, w)
        NDArray a = alpha.getShape().size() == 1 ? alpha : alpha.get(rows).reshape(1, to - from);
        NDArray weight = d.mul(a).getNDArrayInternal().sigmoid();
        return out.addi(d.muli(weight).muli(diffScale));
    }

    @Override
    public void close() {
        base.close();
        if (diff != null) {
            diff.close();
        }
    }
}
