package dev.streamrec.model.bm3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MultiTargetMetricsTest {

    private static final double TOL = 1e-9;

    @Test
    void shouldDivideHitsByTheNumberOfTargetsAndUseBinaryNdcg() {
        MultiTargetMetrics m = new MultiTargetMetrics(1, 2);
        m.add(new int[] {5, 3, 9}, new int[] {3, 7});
        double l3 = Math.log(3) / Math.log(2);
        assertEquals(0.0, m.recall(1), TOL);
        assertEquals(0.5, m.recall(2), TOL);
        assertEquals((1 / l3) / (1 + 1 / l3), m.ndcg(2), TOL);
    }

    @Test
    void shouldAverageOverUsersAndSkipUsersWithoutTargets() {
        MultiTargetMetrics m = new MultiTargetMetrics(2);
        m.add(new int[] {1, 2}, new int[] {1});
        m.add(new int[] {1, 2}, new int[] {3});
        m.add(new int[] {1, 2}, new int[0]);
        assertEquals(2, m.users());
        assertEquals(0.5, m.recall(2), TOL);
        assertEquals(0.5, m.ndcg(2), TOL);
    }

    @Test
    void shouldGiveEachMeanItsIntervalOverUsers() {
        MultiTargetMetrics m = new MultiTargetMetrics(2);
        m.add(new int[] {1, 2}, new int[] {1});       // Recall@2 1
        m.add(new int[] {1, 2}, new int[] {3});       // 0
        m.add(new int[] {1, 2}, new int[] {2, 3});    // 0.5
        // mean .5, s = .5, 1.96 · .5 / √3
        assertEquals(0.5, m.intervals().get("Recall@2").mean(), TOL);
        assertEquals(0.5658032638, m.intervals().get("Recall@2").halfWidth(), TOL);
        assertEquals(m.ndcg(2), m.intervals().get("NDCG@2").mean(), TOL);
    }
}
