package dev.streamrec.model.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PairedComparisonTest {

    @Test
    void shouldAverageEachUsersCasesThenTestOverUsers() {
        int[] users = {0, 0, 1, 2};
        int[] model = {1, 2, 1, 1};
        int[] baseline = {2, 2, 1, 5};
        Map<String, PairedTTest.Result> r = PairedComparison.of(List.of("HR@1", "MRR"), users, model, baseline);
        // HR@1 differences per case {1, 0, 0, 1} -> per user {.5, 0, 1}: mean .5, s = .5, t = √3, df 2
        PairedTTest.Result hr = r.get("HR@1");
        assertEquals(3, hr.n());
        assertEquals(0.5, hr.meanDifference(), 1e-12);
        assertEquals(Math.sqrt(3), hr.t(), 1e-9);
        assertEquals(0.2254033308, hr.p(), 1e-8); // scipy.stats.ttest_1samp([.5, 0, 1], 0)
        // MRR differences per case {.5, 0, 0, .8} -> per user {.25, 0, .8}
        assertEquals((0.25 + 0.8) / 3, r.get("MRR").meanDifference(), 1e-12);
    }

    @Test
    void shouldRefuseRanksOfDifferentCases() {
        assertThrows(IllegalArgumentException.class,
                () -> PairedComparison.of(List.of("MRR"), new int[] {0, 1}, new int[] {1, 1}, new int[] {1}));
    }

    @Test
    void shouldReadMetricNamesAsTheTablesWriteThem() {
        assertEquals(0.5, RankingMetrics.value("NDCG@10", 3), 1e-12);
        assertEquals(1.0, RankingMetrics.value("HR@20", 20), 0.0);
        assertEquals(0.25, RankingMetrics.value("MRR", 4), 0.0);
        assertThrows(IllegalArgumentException.class, () -> RankingMetrics.value("Recall@10", 1));
    }
}
