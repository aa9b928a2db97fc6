package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain Adam (Kingma & Ba 2015; β = 0.9, 0.999, ε = 1e-8, no weight decay, as BM3 trains) over a
 * list of arrays that carry gradients; updates in place and clears the gradients afterwards.
 */
public final class Bm3Adam {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final List<NDArray> parameters;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final float lr;
    private int step;

    public Bm3Adam(List<NDArray> parameters, double lr) {
        this.parameters = parameters;
        this.lr = (float) lr;
        for (NDArray p : parameters) {
            m.add(p.zerosLike());
            v.add(p.zerosLike());
        }
    }

    /** One update from the current gradients; gradients are zeroed. */
    public void step() {
        step++;
        float c1 = 1f - (float) Math.pow(BETA1, step);
        float c2 = 1f - (float) Math.pow(BETA2, step);
        for (int k = 0; k < parameters.size(); k++) {
            NDArray p = parameters.get(k);
            NDArray g = p.getGradient();
            NDArray mk = m.get(k);
            NDArray vk = v.get(k);
            mk.muli(BETA1).addi(g.mul(1f - BETA1));
            vk.muli(BETA2).addi(g.square().mul(1f - BETA2));
            NDArray update = mk.div(c1).div(vk.div(c2).sqrt().add(EPS)).mul(lr);
            p.subi(update);
            update.close();
            g.subi(g);
        }
    }
}
