package dev.streamrec.model.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RankingMetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void shouldMatchHandComputedValues() {
        assertEquals(1.0, RankingMetrics.ndcg(1, 10), EPS);
        assertEquals(0.5, RankingMetrics.ndcg(3, 10), EPS); // 1/log2(4)
        assertEquals(1.0 / (Math.log(11) / Math.log(2)), RankingMetrics.ndcg(10, 10), EPS);
        assertEquals(0.0, RankingMetrics.ndcg(11, 10), EPS);
        assertEquals(1.0, RankingMetrics.hitRate(10, 10), EPS);
        assertEquals(0.0, RankingMetrics.hitRate(0, 10), EPS);
        assertEquals(0.25, RankingMetrics.reciprocalRank(4), EPS);
    }

    @Test
    void shouldRankWithTieBreakAndExclusions() {
        float[] s = {9f, 0.5f, 0.9f, 0.5f, 0.1f};
        boolean[] ex = {true, false, false, false, false};
        assertEquals(1, RankingMetrics.rankOf(s, 2, ex));
        assertEquals(2, RankingMetrics.rankOf(s, 1, ex)); // tie with 3, lower index first
        assertEquals(3, RankingMetrics.rankOf(s, 3, ex));
        assertEquals(0, RankingMetrics.rankOf(s, 0, ex));
    }

    @Test
    void shouldAccumulateMeans() {
        MetricAccumulator acc = new MetricAccumulator(10, 20);
        acc.add(1);   // hr10 1, ndcg10 1, mrr 1
        acc.add(3);   // hr10 1, ndcg10 .5, mrr 1/3
        acc.add(15);  // hr10 0, hr20 1, ndcg20 1/log2(16)=.25, mrr 1/15
        acc.add(0);   // miss
        assertEquals(0.5, acc.hitRate(10), EPS);
        assertEquals(0.75, acc.hitRate(20), EPS);
        assertEquals(1.5 / 4, acc.ndcg(10), EPS);
        assertEquals(1.75 / 4, acc.ndcg(20), EPS);
        assertEquals((1 + 1.0 / 3 + 1.0 / 15) / 4, acc.mrr(), EPS);
        MetricAccumulator other = new MetricAccumulator(10, 20);
        other.add(1);
        acc.merge(other);
        assertEquals(5, acc.count());
        assertEquals(0.6, acc.hitRate(10), EPS);
    }

    @Test
    void shouldSelectTopKBestFirst() {
        float[] s = {100f, 3f, 7f, 7f, 1f, 5f};
        boolean[] ex = {false, false, false, false, false, true};
        assertArrayEquals(new int[] {2, 3, 1}, TopK.select(s, 3, ex, 1));
        assertArrayEquals(new int[] {2, 3, 5, 1, 4}, TopK.select(s, 10, null, 1));
    }

    @Test
    void shouldSelectLikeAFullSortWithTiesToTheLowerIndex() {
        java.util.Random r = new java.util.Random(4);
        for (int trial = 0; trial < 200; trial++) {
            float[] s = new float[1 + r.nextInt(300)];
            for (int i = 0; i < s.length; i++) {
                s[i] = r.nextInt(25); // many ties
            }
            int k = r.nextInt(30);
            int[] expected = java.util.stream.IntStream.range(1, s.length).boxed()
                    .sorted((a, b) -> s[a] != s[b] ? Float.compare(s[b], s[a]) : Integer.compare(a, b))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, TopK.select(s, k, null, 1), "trial " + trial);
        }
    }

    @Test
    void shouldRankANaNTargetLast() {
        float[] s = {0f, 3f, Float.NaN, 1f, 2f};
        assertEquals(5, RankingMetrics.rankOf(s, 2, null));
        assertEquals(1, RankingMetrics.rankOf(s, 1, null), "NaN items never rank ahead");
    }

    @Test
    void shouldAverageRanksPerCutoffAndMergeAccumulators() {
        MetricAccumulator a = new MetricAccumulator(1, 10);
        a.add(1);
        a.add(3);
        MetricAccumulator b = new MetricAccumulator(1, 10);
        b.add(0); // not ranked: a miss everywhere
        b.add(20);
        a.merge(b);
        assertEquals(4, a.count());
        assertEquals(0.25, a.hitRate(1), EPS);
        assertEquals(0.5, a.hitRate(10), EPS);
        assertEquals((1.0 + 0.5) / 4, a.ndcg(10), EPS);
        assertEquals((1.0 + 1.0 / 3 + 1.0 / 20) / 4, a.mrr(), EPS);
        assertEquals(java.util.List.of("HR@1", "HR@10", "NDCG@1", "NDCG@10", "MRR"),
                java.util.List.copyOf(a.asMap().keySet()));
        assertEquals(0.0, new MetricAccumulator(5).asMap().get("MRR"), EPS, "no cases: 0, not NaN");
    }
}
