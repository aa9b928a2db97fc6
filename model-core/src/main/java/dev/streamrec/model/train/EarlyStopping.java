package dev.streamrec.model.train;

/**
 * Early stopping on a validation metric where higher is better: remembers the best validation
 * (its index: an epoch, or the n-th validation of {@link TrainingEngine}) and says when
 * {@code patience} validations have passed without improvement.
 */
public final class EarlyStopping {

    private final int patience;
    private double best = Double.NEGATIVE_INFINITY;
    private int bestEpoch = -1;
    private int sinceBest;

    public EarlyStopping(int patience) {
        this.patience = patience;
    }

    /** Records a validation's metric; returns true if it is a new best (save the model then). */
    public boolean record(int epoch, double metric) {
        if (metric > best) {
            best = metric;
            bestEpoch = epoch;
            sinceBest = 0;
            return true;
        }
        sinceBest++;
        return false;
    }

    public boolean shouldStop() {
        return sinceBest >= patience;
    }

    public double best() {
        return best;
    }

    public int bestEpoch() {
        return bestEpoch;
    }
}
