package dev.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/**
 * An exponential moving average of a run's parameters (Polyak averaging, as in Polyak and Juditsky
 * 1992 with an exponential window): after every applied optimiser step each average becomes
 * {@code decay · average + (1 - decay) · weight}, starting from the initial weights. The averages
 * are kept beside the parameters, on their device, and never take part in a gradient.
 * {@link TrainingEngine} validates, selects and keeps the averages instead of the weights as trained
 * when {@code --ema-decay} is on.
 */
final class WeightAverage implements AutoCloseable {

    private final List<AdamW.Trainable> params;
    private final float decay;
    private final NDManager manager;
    private final List<NDArray> averages = new ArrayList<>();

    WeightAverage(List<AdamW.Trainable> params, float decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("the moving average's decay must be in (0, 1), not " + decay);
        }
        this.params = params;
        this.decay = decay;
        this.manager = params.get(0).array().getManager().newSubManager();
        for (AdamW.Trainable p : params) {
            averages.add(manager.create(p.array().toFloatArray(), p.array().getShape()));
        }
    }

    /** Folds the parameters' present values into the averages. */
    void update() {
        for (int i = 0; i < params.size(); i++) {
            try (NDArray weight = params.get(i).array().stopGradient(); NDArray share = weight.mul(1 - decay)) {
                averages.get(i).muli(decay).addi(share);
            }
        }
    }

    /** The averages, parameter by parameter, as row-major copies. */
    float[][] values() {
        float[][] out = new float[averages.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = averages.get(i).toFloatArray();
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
