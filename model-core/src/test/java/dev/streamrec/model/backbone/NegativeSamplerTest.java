package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NegativeSamplerTest {

    private static final double TOLERANCE = 1e-6;
    /** The chi-square 0.999 quantile with 19 degrees of freedom (20 items): a correct sampler exceeds it once in 1000 seeds. */
    private static final double CHI_SQUARE_19_999 = 43.82;
    private static final int ITEMS = 20;

    @Test
    void shouldDrawUniformlyWithinChiSquareBound() {
        NegativeSampler sampler = NegativeSampler.uniform(ITEMS, 7);
        assertTrue(chiSquare(sampler, 100_000) < CHI_SQUARE_19_999);
    }

    @Test
    void shouldDrawInProportionToSmoothedCountsWithinChiSquareBound() {
        long[] counts = skewedCounts();
        for (double exponent : new double[] {1.0, 0.75}) {
            NegativeSampler sampler = NegativeSampler.popularity(counts, exponent, 11);
            double total = 0;
            for (int i = 1; i <= ITEMS; i++) {
                total += Math.pow(counts[i] + 1.0, exponent);
            }
            for (int i = 1; i <= ITEMS; i++) {
                assertEquals(Math.pow(counts[i] + 1.0, exponent) / total, sampler.probability(i), TOLERANCE);
            }
            assertTrue(chiSquare(sampler, 100_000) < CHI_SQUARE_19_999, "exponent " + exponent);
        }
        // the bound has power: the popularity draws are far from uniform
        NegativeSampler popular = NegativeSampler.popularity(counts, 1.0, 11);
        assertTrue(chiSquare(popular, NegativeSampler.uniform(ITEMS, 0), 100_000) > 100 * CHI_SQUARE_19_999);
    }

    @Test
    void shouldReturnLogExpectedCountOfEachDrawnId() {
        // items 1..3 counted 3, 0, 1 times: weights 4, 1, 2 out of 7
        NegativeSampler sampler = NegativeSampler.popularity(new long[] {0, 3, 0, 1}, 1.0, 3);
        double[] q = {0, 4 / 7.0, 1 / 7.0, 2 / 7.0};
        NegativeSampler.Negatives draw = sampler.draw(5);
        assertEquals(5, draw.ids().length);
        for (int j = 0; j < 5; j++) {
            int id = (int) draw.ids()[j];
            assertTrue(id >= 1 && id <= 3);
            assertEquals(Math.log(5 * q[id]), draw.logQ()[j], 1e-6);
        }
        NegativeSampler.Negatives uniform = NegativeSampler.uniform(10, 3).draw(4);
        for (float logQ : uniform.logQ()) {
            assertEquals(Math.log(4 / 10.0), logQ, 1e-6);
        }
    }

    @Test
    void shouldBeDeterministicForASeed() {
        NegativeSampler a = NegativeSampler.popularity(skewedCounts(), 0.75, 5);
        NegativeSampler b = NegativeSampler.popularity(skewedCounts(), 0.75, 5);
        assertArrayEquals(a.draw(50).ids(), b.draw(50).ids());
    }

    @Test
    void shouldCountItemsOfTrainingSequencesIgnoringPaddingAndUnknownIds() {
        long[] counts = NegativeSampler.counts(List.of(new int[] {1, 2, 2}, new int[] {0, 3, 9, 2}), 3);
        assertArrayEquals(new long[] {0, 1, 3, 1}, counts);
    }

    @Test
    void shouldTreatExponentZeroAsUniform() {
        NegativeSampler sampler = NegativeSampler.popularity(skewedCounts(), 0, 1);
        for (int i = 1; i <= ITEMS; i++) {
            assertEquals(1.0 / ITEMS, sampler.probability(i), TOLERANCE);
        }
    }

    @Test
    void shouldRejectBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> NegativeSampler.uniform(0, 1));
        assertThrows(IllegalArgumentException.class, () -> NegativeSampler.popularity(new long[] {0, 1}, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> NegativeSampler.uniform(5, 1).draw(0));
        assertThrows(IllegalArgumentException.class, () -> NegativeSampler.Kind.of("zipf"));
    }

    /** Item i counted 1000/i times (0 for the last two): a long-tailed catalogue. */
    static long[] skewedCounts() {
        long[] counts = new long[ITEMS + 1];
        for (int i = 1; i <= ITEMS - 2; i++) {
            counts[i] = 1000 / i;
        }
        return counts;
    }

    /** Pearson's statistic of {@code draws} draws (in steps of 1000) against the sampler's own q. */
    private static double chiSquare(NegativeSampler sampler, int draws) {
        return chiSquare(sampler, sampler, draws);
    }

    /** Pearson's statistic of draws from {@code sampler} against the q of {@code expected}. */
    private static double chiSquare(NegativeSampler sampler, NegativeSampler expected, int draws) {
        long[] seen = new long[sampler.numItems() + 1];
        for (int done = 0; done < draws; done += 1000) {
            for (long id : sampler.draw(1000).ids()) {
                seen[(int) id]++;
            }
        }
        double chi = 0;
        for (int i = 1; i <= sampler.numItems(); i++) {
            double e = draws * expected.probability(i);
            chi += (seen[i] - e) * (seen[i] - e) / e;
        }
        return chi;
    }
}
