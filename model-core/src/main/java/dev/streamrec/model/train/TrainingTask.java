package dev.streamrec.model.train;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What a model family gives the {@link TrainingEngine}: its training examples (counted, the engine
 * batches and shuffles them), a forward and backward pass over a batch of them with its loss, and
 * a validation. Everything else (optimiser, schedule, budget, early stopping, best weights, progress)
 * is the engine's. A new family is its config, its blocks, its loss and one of these.
 */
public interface TrainingTask {

    /** A validation: the score early stopping maximises and the metrics to log with it. */
    record Validation(double score, Map<String, Double> metrics) {}

    /** The number of training examples (one epoch is a pass over them, or a sample of them). */
    int examples();

    /**
     * Each example's length (its positions before padding), for {@code --length-buckets}; null when
     * the examples have no length that padding follows (the option is then refused).
     */
    default int[] exampleLengths() {
        return null;
    }

    /** The tensors the optimiser updates, with their learning-rate factors. */
    List<AdamW.Trainable> parameters();

    /** Called before each epoch's batches (e.g. MISSRec refreshes its global interests). */
    default void beginEpoch(int epoch) {}

    /**
     * Runs the forward and backward pass over the examples {@code batch} (indices in
     * [0, {@link #examples()})), leaving the gradients on the parameters; {@code random} is the
     * run's seeded generator, for negatives and augmentations. Returns the loss (not finite when
     * it is not: the engine then applies no update).
     */
    float forwardBackward(int[] batch, Random random);

    /** Validates the current weights; {@code null} when the task has no validation (pre-training). */
    Validation validate();
}
