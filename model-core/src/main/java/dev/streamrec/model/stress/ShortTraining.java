package dev.streamrec.model.stress;

/**
 * How long a stress run trains each artifact: quality does not matter, only that every training
 * path runs (the training stress repeats them; the serving stress needs two versions to swap).
 *
 * @param epochs training epochs per run (early stopping never cuts a run shorter)
 * @param trainFraction the part of the log (in time order) each run trains on
 * @param examplesPerEpoch MISSRec training examples sampled per epoch (its {@code --examples-per-epoch})
 */
public record ShortTraining(int epochs, double trainFraction, int examplesPerEpoch) {

    public ShortTraining {
        if (epochs < 1 || examplesPerEpoch < 1) {
            throw new IllegalArgumentException("--epochs and --examples-per-epoch must be positive");
        }
        if (trainFraction <= 0 || trainFraction > 1) {
            throw new IllegalArgumentException("--train-fraction must be in (0, 1]");
        }
    }
}
