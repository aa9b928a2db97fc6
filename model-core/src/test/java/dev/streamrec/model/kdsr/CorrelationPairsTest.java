package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CorrelationPairsTest {

    private static final float TOLERANCE = 1e-6f;
    /** Two sequences of length 4: items 1, 2, 3 after one pad, and items 4, 5 then two pads. */
    private static final long[] IDS = {0, 1, 2, 3, 4, 5, 0, 0};

    @Test
    void shouldListEveryPairOfRealPositionsOnceWithEqualWeights() {
        CorrelationPairs all = CorrelationPairs.all(IDS, 2, 4);
        assertArrayEquals(new long[] {1, 1, 2, 2, 3, 3, 4, 5}, all.left());
        assertArrayEquals(new long[] {2, 3, 1, 3, 1, 2, 5, 4}, all.right());
        for (float w : all.weights()) {
            assertEquals(1f / 8, w, TOLERANCE);
        }
    }

    @Test
    void shouldKeepAllPairsOfASequenceItsPartnersCover() {
        CorrelationPairs all = CorrelationPairs.all(IDS, 2, 4);
        CorrelationPairs sampled = CorrelationPairs.sample(IDS, 2, 4, 2, new Random(1));
        assertArrayEquals(all.left(), sampled.left());
        assertArrayEquals(all.right(), sampled.right());
        assertArrayEquals(all.weights(), sampled.weights(), TOLERANCE);
    }

    @Test
    void shouldDrawTheSamePairsForTheSameSeed() {
        long[] ids = longSequences(new Random(5));
        CorrelationPairs a = CorrelationPairs.sample(ids, 3, 20, 2, new Random(9));
        CorrelationPairs b = CorrelationPairs.sample(ids, 3, 20, 2, new Random(9));
        assertArrayEquals(a.left(), b.left());
        assertArrayEquals(a.right(), b.right());
        assertEquals(3 * 20 * 2 - 2 * 7, a.size()); // the second sequence has 7 pads: 13 real positions
    }

    @Test
    void shouldEstimateTheMeanOverAllPairsWithoutBias() {
        long[] ids = longSequences(new Random(5));
        double[][] value = new double[40][40];
        Random r = new Random(11);
        for (double[] row : value) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextDouble() * 5;
            }
        }
        double exact = weightedSum(CorrelationPairs.all(ids, 3, 20), value);
        int draws = 4000;
        double sum = 0;
        double sumSq = 0;
        for (int seed = 0; seed < draws; seed++) {
            double estimate = weightedSum(CorrelationPairs.sample(ids, 3, 20, 2, new Random(seed)), value);
            sum += estimate;
            sumSq += estimate * estimate;
        }
        double mean = sum / draws;
        double stdError = Math.sqrt((sumSq / draws - mean * mean) / draws);
        assertTrue(stdError > 0, "sampling must vary");
        assertEquals(exact, mean, 4 * stdError, "mean of the estimates vs the all-pairs mean");
    }

    /** Three sequences of 20 positions; the second has 7 leading pads; items 1..39. */
    private static long[] longSequences(Random r) {
        long[] ids = new long[60];
        for (int p = 0; p < ids.length; p++) {
            ids[p] = p >= 20 && p < 27 ? 0 : 1 + r.nextInt(39);
        }
        return ids;
    }

    private static double weightedSum(CorrelationPairs pairs, double[][] value) {
        double s = 0;
        for (int p = 0; p < pairs.size(); p++) {
            s += pairs.weights()[p] * value[(int) pairs.left()[p]][(int) pairs.right()[p]];
        }
        return s;
    }
}
