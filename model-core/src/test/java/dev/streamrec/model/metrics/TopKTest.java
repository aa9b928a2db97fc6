package dev.streamrec.model.metrics;

import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** TopK equals a full sort (score descending, lower index first on ties) on every shape of input. */
class TopKTest {

    /** The reference: every eligible index sorted, the first K. */
    private static int[] sorted(float[] s, int k, boolean[] excluded, int from) {
        return IntStream.range(from, s.length)
                .filter(i -> excluded == null || i >= excluded.length || !excluded[i])
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i))
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    @Test
    void shouldEqualAFullSortOnRandomRisingFallingAndTiedScores() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + rnd.nextInt(trial % 4 == 0 ? 20_000 : 600);
            float[] s = new float[n];
            int shape = trial % 5;
            for (int i = 0; i < n; i++) {
                s[i] = switch (shape) {
                    case 0 -> rnd.nextFloat();
                    case 1 -> i + rnd.nextFloat();          // rising with the index
                    case 2 -> -i;                            // falling
                    case 3 -> rnd.nextInt(4);               // heavy ties
                    default -> (float) Math.sin(i * 0.01);  // smooth, with plateaus of near-ties
                };
            }
            boolean[] excluded = null;
            if (trial % 3 == 0) {
                excluded = new boolean[rnd.nextInt(n + 1)];
                for (int i = 0; i < excluded.length; i++) {
                    excluded[i] = rnd.nextInt(3) == 0;
                }
            }
            int k = rnd.nextInt(60);
            int from = rnd.nextInt(2);
            String label = "trial " + trial + " n " + n + " k " + k;
            assertArrayEquals(sorted(s, k, excluded, from), TopK.select(s, k, excluded, from), label);
        }
    }
}
