package dev.streamrec.model.kdsr;

import dev.streamrec.model.train.BatchScorer;

import java.util.Arrays;
import java.util.List;

/**
 * The popularity baseline under the same protocol: every history gets the same scores, the item's
 * number of training interactions. Count-based, no training.
 */
public final class PopularityScorer implements BatchScorer {

    private final float[] counts;

    public PopularityScorer(float[] counts) {
        this.counts = counts;
    }

    /** Counts over training sequences, [N+1] (row 0 = padding = 0). */
    public static PopularityScorer fromTraining(List<int[]> train, int numItems) {
        float[] counts = new float[numItems + 1];
        for (int[] s : train) {
            for (int i : s) {
                counts[i]++;
            }
        }
        return new PopularityScorer(counts);
    }

    public float[] counts() {
        return counts;
    }

    /** Yes: the counts are never written after construction. */
    @Override
    public boolean concurrent() {
        return true;
    }

    @Override
    public float[][] score(int[][] histories) {
        float[][] out = new float[histories.length][];
        for (int r = 0; r < histories.length; r++) {
            out[r] = Arrays.copyOf(counts, counts.length);
        }
        return out;
    }
}
