package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) with bias correction and no weight decay, matching torch.optim.Adam
 * defaults (β1 0.9, β2 0.999, ε 1e-8), over named parameter tensors updated in place. Kept here
 * (rather than DJL's Trainer) because the models of this package hold raw tensors, not Blocks.
 */
public final class AdamOptimizer implements AutoCloseable {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final float learningRate;
    private final Map<String, NDArray[]> state = new LinkedHashMap<>();
    private int step;

    public AdamOptimizer(double learningRate) {
        this.learningRate = (float) learningRate;
    }

    /** Applies one step to every parameter that has a gradient, then zeroes the gradients. */
    public void step(Map<String, NDArray> params) {
        step++;
        float c1 = 1f - (float) Math.pow(BETA1, step);
        float c2 = 1f - (float) Math.pow(BETA2, step);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            if (!p.hasGradient()) {
                continue;
            }
            NDArray[] mv = state.computeIfAbsent(e.getKey(), k -> newMoments(p));
            try (NDArray g = p.getGradient()) {
                mv[0].muli(BETA1).addi(g.mul(1f - BETA1));
                mv[1].muli(BETA2).addi(g.square().muli(1f - BETA2));
                NDArray update = mv[0].div(c1).divi(mv[1].div(c2).sqrt().addi(EPS)).muli(learningRate);
                // On the parameter's data, detached: libtorch records per thread and a thread records
                // unless told not to, and an in-place change of a leaf that requires grad is then refused.
                try (NDArray data = p.stopGradient()) {
                    data.subi(update);
                }
                g.muli(0f);
            }
        }
    }

    /** Zero first and second moments, kept out of any enclosing NDScope (they live across steps). */
    private static NDArray[] newMoments(NDArray p) {
        NDArray m = p.zerosLike();
        NDArray v = p.zerosLike();
        m.setRequiresGradient(false);
        NDScope.unregister(m, v);
        return new NDArray[] {m, v};
    }

    @Override
    public void close() {
        state.values().forEach(a -> {
            a[0].close();
            a[1].close();
        });
        state.clear();
    }
}
