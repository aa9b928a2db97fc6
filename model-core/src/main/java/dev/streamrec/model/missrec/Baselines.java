package dev.streamrec.model.missrec;

import dev.streamrec.model.train.BatchScorer;

import java.util.List;
import java.util.Random;

/** Reference scorers for the cold-start comparison: training popularity and uniform random. */
final class Baselines {

    private Baselines() {}

    /** Scores = training counts (new items score 0: popularity cannot rank them). */
    static BatchScorer popularity(List<int[]> train, int numItems) {
        float[] counts = new float[numItems + 1];
        for (int[] s : train) {
            for (int i : s) {
                counts[i]++;
            }
        }
        return histories -> {
            float[][] out = new float[histories.length][];
            for (int b = 0; b < histories.length; b++) {
                out[b] = counts.clone();
            }
            return out;
        };
    }

    /** Independent uniform scores per case (seeded). */
    static BatchScorer random(int numItems, long seed) {
        Random random = new Random(seed);
        return histories -> {
            float[][] out = new float[histories.length][numItems + 1];
            for (float[] row : out) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = random.nextFloat();
                }
            }
            return out;
        };
    }
}
