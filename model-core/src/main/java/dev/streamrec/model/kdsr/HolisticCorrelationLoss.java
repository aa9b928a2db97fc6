package dev.streamrec.model.kdsr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.streamrec.model.train.Scalars;

/**
 * KDSR's holistic correlation distillation L_SKD over the item pairs of each sequence in a batch
 * (computed on the fly, never an N×N matrix). Teacher r_ij = cos(m~_i, m~_j) of the frozen AE codes,
 * student r^_ij = cos(g(e_i), g(e_j)). Two forms: the paper's
 * (1/|P|) Σ (σ(r_ij/τ) − σ(r^_ij/τ))² (models.md §7) and the released code's per-sequence masked
 * L2 ‖M ⊙ (r^/τ − r/τ)‖_F averaged over the batch (§1.5). Pairs: both items real, i ≠ j.
 */
public final class HolisticCorrelationLoss {

    private static final float EPS = 1e-8f;

    private HolisticCorrelationLoss() {}

    /** Pair mask (B, T, T): 1 where both positions hold items and i != j. */
    public static NDArray pairMask(NDArray mask) {
        long t = mask.getShape().get(1);
        NDArray both = mask.expandDims(2).mul(mask.expandDims(1)); // (B, T, T)
        NDArray offDiagonal = mask.getManager().eye((int) t).toType(DataType.FLOAT32, false).neg().add(1f);
        return both.mul(offDiagonal.reshape(new Shape(1, t, t)));
    }

    /** Cosine similarities of all position pairs: (B, T, d) to (B, T, T); zero rows give 0. */
    public static NDArray cosineMatrix(NDArray x) {
        NDArray n = x.div(Scalars.maximum(x.norm(new int[] {2}, true), EPS)); // (B, T, d)
        return n.matMul(n.transpose(0, 2, 1));
    }

    /** The paper's sigmoid MSE: mean over pairs of (σ(T/τ) − σ(P/τ))². */
    public static NDArray sigmoidMse(NDArray student, NDArray teacher, NDArray pairs, float tau) {
        NDArray diff = Activation.sigmoid(teacher.div(tau)).sub(Activation.sigmoid(Scalars.div(student, tau)));
        return diff.square().mul(pairs).sum().div(pairs.sum().maximum(1f));
    }

    /** The released code's masked L2: mean over sequences of sqrt(Σ_ij M (P/τ − T/τ)² + eps). */
    public static NDArray maskedL2(NDArray student, NDArray teacher, NDArray pairs, float tau) {
        NDArray sq = Scalars.div(student.sub(teacher), tau).square().mul(pairs); // (B, T, T)
        return sq.sum(new int[] {1, 2}).add(EPS).sqrt().mean();
    }

    /** The configured form. */
    public static NDArray of(KdsrConfig.Holistic form, NDArray student, NDArray teacher, NDArray pairs, float tau) {
        return form == KdsrConfig.Holistic.SIGMOID_MSE
                ? sigmoidMse(student, teacher, pairs, tau)
                : maskedL2(student, teacher, pairs, tau);
    }
}
