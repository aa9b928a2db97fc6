package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

import dev.streamrec.model.train.TensorWrites;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015) over the trainable {@link Parameters}, in place, with bias correction;
 * the released code trains with Adam, lr 1e-3, no weight decay. Frozen parameters are never passed
 * in, so they cannot change. Gradients are zeroed after each step.
 */
final class Adam {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final List<NDArray> params;
    private final List<NDArray> first = new ArrayList<>();
    private final List<NDArray> second = new ArrayList<>();
    private final float lr;
    private int step;

    Adam(List<NDArray> params, float lr) {
        this.params = params;
        this.lr = lr;
        for (NDArray p : params) {
            first.add(p.zerosLike());
            second.add(p.zerosLike());
        }
    }

    /**
     * Applies one update unless a gradient is not finite (then the step is skipped and the gradients
     * cleared); gradients are rescaled to a global L2 norm of at most {@code clipNorm} (0 = off).
     * Returns whether the step was applied.
     */
    boolean step(float clipNorm) {
        float norm;
        try (NDScope scope = new NDScope()) {
            NDArray total = null;
            for (NDArray p : params) {
                NDArray sq = p.getGradient().square().sum();
                total = total == null ? sq : total.add(sq);
            }
            norm = total == null ? 0f : (float) Math.sqrt(total.getFloat());
        }
        if (!Float.isFinite(norm)) {
            clearGradients();
            return false;
        }
        float scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1f;
        step++;
        float c1 = 1f - (float) Math.pow(BETA1, step);
        float c2 = 1f - (float) Math.pow(BETA2, step);
        try (NDScope scope = new NDScope()) {
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = p.getGradient();
                if (scale != 1f) {
                    g.muli(scale);
                }
                first.get(i).muli(BETA1).addi(g.mul(1f - BETA1));
                second.get(i).muli(BETA2).addi(g.square().mul(1f - BETA2));
                NDArray update = first.get(i).div(c1).div(second.get(i).div(c2).sqrt().add(EPS)).mul(lr);
                p.subi(update);
                g.subi(g);
            }
        }
        return true;
    }

    /** Drops the pending gradients without updating (a step whose loss was not finite). */
    void skip() {
        clearGradients();
    }

    /** Overwrites every gradient with zeros (safe when it holds NaN or infinity, unlike g - g). */
    private void clearGradients() {
        try (NDScope scope = new NDScope()) {
            for (NDArray p : params) {
                TensorWrites.zeroGradient(p);
            }
        }
    }

    void close() {
        first.forEach(NDArray::close);
        second.forEach(NDArray::close);
    }
}
