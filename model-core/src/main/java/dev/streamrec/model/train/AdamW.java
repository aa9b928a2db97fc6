package dev.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;

import java.util.ArrayList;
import java.util.List;

/**
 * The one optimiser of every model family: Adam (Kingma and Ba 2015) with bias correction and
 * decoupled weight decay (AdamW, Loshchilov and Hutter 2019), β1 0.9, β2 {@link #DEFAULT_BETA2}
 * unless given, ε 1e-8, with gradients rescaled to a global L2 norm of at most {@code clipNorm}
 * (0 = off). A step whose gradient norm is not finite is not applied: the gradients are cleared and
 * {@link #step} says so.
 *
 * <p>Each parameter is updated by libtorch's fused Adam kernel (one native call, gradient mode off,
 * so it is safe on a thread that records gradients) and its gradient zeroed in its own memory.
 * Weight decay applies to matrices and tables only (two or more dimensions), never to biases and
 * norm gains. A parameter may carry a learning-rate factor (KDSR's slow modality tables). The
 * moments live outside any {@link NDScope} until {@link #close}. ε is added to √v̂·(1-β2^t)^½
 * rather than to √v̂ (the kernel's form); with ε = 1e-8 the two differ by far less than float noise.
 */
public final class AdamW implements AutoCloseable {

    /** One trained tensor and its learning-rate factor. */
    public record Trainable(NDArray array, float lrFactor) {

        public static Trainable of(NDArray array) {
            return new Trainable(array, 1f);
        }

        public static List<Trainable> all(List<NDArray> arrays) {
            return arrays.stream().map(Trainable::of).toList();
        }
    }

    private static final float BETA1 = 0.9f;
    /** β2 of Kingma and Ba, and of PyTorch's default. */
    public static final float DEFAULT_BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final List<Trainable> params;
    private final List<NDArray[]> moments = new ArrayList<>();
    private final float weightDecay;
    private final float clipNorm;
    private final float beta2;
    private long step;
    private float lastNorm;

    public AdamW(List<Trainable> params, float weightDecay, float clipNorm) {
        this(params, weightDecay, clipNorm, DEFAULT_BETA2);
    }

    public AdamW(List<Trainable> params, float weightDecay, float clipNorm, float beta2) {
        this.beta2 = beta2;
        this.params = List.copyOf(params);
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        for (Trainable t : this.params) {
            NDArray m = t.array().zerosLike();
            NDArray v = t.array().zerosLike();
            m.setRequiresGradient(false);
            v.setRequiresGradient(false);
            NDScope.unregister(m, v);
            moments.add(new NDArray[] {m, v});
        }
    }

    /**
     * Applies one update at learning rate {@code lr} and zeroes the gradients; returns false, having
     * only cleared them, when the gradient is not finite.
     */
    public boolean step(float lr) {
        float norm = gradientNorm();
        lastNorm = norm;
        if (!Float.isFinite(norm)) {
            clearGradients();
            return false;
        }
        float rescale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1f;
        step++;
        double correction = Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(BETA1, step));
        for (int i = 0; i < params.size(); i++) {
            Trainable t = params.get(i);
            NDArray p = t.array();
            float rate = lr * t.lrFactor();
            float decay = p.getShape().dimension() >= 2 ? weightDecay : 0f;
            try (NDArray g = p.getGradient()) {
                NDArray[] mv = moments.get(i);
                p.getNDArrayInternal().adamUpdate(new NDList(p, g, mv[0], mv[1]), new NDList(p), rate,
                        (float) (rate * correction), decay, rescale, -1f, BETA1, beta2, EPS, false, true);
            }
        }
        return true;
    }

    /** Drops the pending gradients without an update. */
    public void clearGradients() {
        params.forEach(t -> TensorWrites.zeroGradient(t.array()));
    }

    /** Optimiser steps applied so far. */
    public long steps() {
        return step;
    }

    /** The global gradient L2 norm of the last {@link #step} call, before clipping. */
    public float lastGradientNorm() {
        return lastNorm;
    }

    private float gradientNorm() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray total = null;
            for (Trainable t : params) {
                NDArray sq = t.array().getGradient().square().sum();
                total = total == null ? sq : total.add(sq);
            }
            return total == null ? 0f : (float) Math.sqrt(total.getFloat());
        }
    }

    @Override
    public void close() {
        for (NDArray[] mv : moments) {
            mv[0].close();
            mv[1].close();
        }
        moments.clear();
    }
}
