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

    @Test
    void shouldPairTwoModelsUserByUser() {
        MultiTargetMetrics model = new MultiTargetMetrics(2);
        MultiTargetMetrics baseline = new MultiTargetMetrics(2);
        int[][] targets = {{1}, {3}, {2, 3}};
        int[][] modelTop = {{1, 2}, {3, 1}, {2, 9}};     // Recall@2 1, 1, .5
        int[][] baselineTop = {{1, 2}, {1, 2}, {9, 8}};  // Recall@2 1, 0, 0
        for (int u = 0; u < targets.length; u++) {
            model.add(modelTop[u], targets[u]);
            baseline.add(baselineTop[u], targets[u]);
        }
        // differences {0, 1, .5}: mean .5, s = .5, t = .5 / (.5 / √3) = √3, df 2
        dev.streamrec.model.metrics.PairedTTest.Result r = model.against(baseline).get("Recall@2");
        assertEquals(3, r.n());
        assertEquals(0.5, r.meanDifference(), TOL);
        assertEquals(Math.sqrt(3), r.t(), 1e-9);
        assertEquals(0.2254033308, r.p(), 1e-8);
    }
}
