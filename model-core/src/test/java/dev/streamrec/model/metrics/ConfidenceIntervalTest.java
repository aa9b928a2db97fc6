package dev.streamrec.model.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfidenceIntervalTest {

    private static final double EPS = 1e-9;

    @Test
    void shouldGiveEachMetricMeanPlusMinus196StandardErrors() {
        MetricAccumulator acc = new MetricAccumulator(10, 20);
        acc.add(1);
        acc.add(3);
        acc.add(15);
        acc.add(0);
        Map<String, MeanInterval> ci = acc.intervals();
        // HR@10 per case {1, 1, 0, 0}: mean .5, s² = (4 · .25) / 3 = 1/3, SE = √(1/12), 1.96 · SE
        assertEquals(0.5, ci.get("HR@10").mean(), EPS);
        assertEquals(1.96 * Math.sqrt(1.0 / 12), ci.get("HR@10").halfWidth(), EPS);
        assertEquals(0.5658032638, ci.get("HR@10").halfWidth(), 1e-9);
        // NDCG@10 per case {1, .5, 0, 0}: mean .375, s = .4787136, SE = s / 2
        assertEquals(0.375, ci.get("NDCG@10").mean(), EPS);
        assertEquals(0.4691392828, ci.get("NDCG@10").halfWidth(), 1e-9);
        // MRR per case {1, 1/3, 1/15, 0}
        assertEquals(0.35, ci.get("MRR").mean(), EPS);
        assertEquals(0.4475055141, ci.get("MRR").halfWidth(), 1e-9);
        assertEquals(List.of("HR@10", "HR@20", "NDCG@10", "NDCG@20", "MRR"), List.copyOf(ci.keySet()));
        assertEquals(acc.asMap().get("NDCG@20"), ci.get("NDCG@20").mean(), EPS);
        assertEquals(0.375 - 0.4691392828, ci.get("NDCG@10").lower(), 1e-9);
    }

    @Test
    void shouldMergeIntoTheSameIntervalAsOneAccumulator() {
        MetricAccumulator whole = new MetricAccumulator(10);
        MetricAccumulator a = new MetricAccumulator(10);
        MetricAccumulator b = new MetricAccumulator(10);
        int[] ranks = {1, 4, 0, 12, 2, 7, 0, 1};
        for (int i = 0; i < ranks.length; i++) {
            whole.add(ranks[i]);
            (i % 2 == 0 ? a : b).add(ranks[i]);
        }
        a.merge(b);
        whole.intervals().forEach((k, v) -> assertEquals(v.halfWidth(), a.intervals().get(k).halfWidth(), EPS, k));
    }

    @Test
    void shouldHaveNoIntervalWithoutTwoCasesAndZeroWidthWhenAllEqual() {
        assertTrue(Double.isNaN(new MetricAccumulator(10).intervals().get("MRR").halfWidth()));
        MetricAccumulator one = new MetricAccumulator(10);
        one.add(1);
        assertTrue(Double.isNaN(one.intervals().get("MRR").halfWidth()));
        MetricAccumulator same = new MetricAccumulator(10);
        for (int i = 0; i < 5; i++) {
            same.add(3);
        }
        assertEquals(0.0, same.intervals().get("NDCG@10").halfWidth(), 0.0);
        assertEquals("0.5000 ±0.0000", same.intervals().get("NDCG@10").toString());
    }
}
