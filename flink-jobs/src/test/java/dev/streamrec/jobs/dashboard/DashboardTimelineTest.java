package dev.streamrec.jobs.dashboard;

import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.Prediction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The comparison part of the dashboard's snapshot: per-window NDCG@10 differences of a challenger
 * against the champion's window with the same end, and the paired test of the latest comparison
 * record, which must not be mistaken for the challenger's running totals.
 */
class DashboardTimelineTest {

    private static final double EXACT = 1e-12;

    private static EvalMetrics record(String model, String version, String scope, long end, Map<String, Double> metrics) {
        EvalMetrics m = new EvalMetrics();
        m.model = model;
        m.modelVersion = version;
        m.scope = scope;
        m.windowStart = end - 10;
        m.windowEnd = end;
        m.count = 5;
        m.metrics.putAll(metrics);
        return m;
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPairChallengerWindowsWithTheChampionsAndKeepTheLatestTest() {
        DashboardTimeline t = new DashboardTimeline();
        t.onEvalMetrics(record("pop", "p1", "window", 10, Map.of("NDCG@10", 0.10)));
        t.onEvalMetrics(record("pop", "p2", "window", 20, Map.of("NDCG@10", 0.20))); // champion swapped versions
        t.onEvalMetrics(record("co", "c1", "window", 10, Map.of("NDCG@10", 0.25)));
        t.onEvalMetrics(record("co", "c1", "window", 20, Map.of("NDCG@10", 0.30)));
        t.onEvalMetrics(record("co", "c1", "window", 30, Map.of("NDCG@10", 0.40))); // no champion window yet
        t.onEvalMetrics(record("co", "c1", "running", 30, Map.of("NDCG@10", 0.31)));
        EvalMetrics cmp = record("co", "c1", "comparison", 10, Map.of("NDCG@10.diff", 0.125, "NDCG@10.p", 0.2));
        cmp.baseline = "pop";
        cmp.count = 2;
        t.onEvalMetrics(cmp);
        t.onPrediction(new Prediction("e1", "u1", 1L, "co", "c1", List.of(), 3L), 1000L);

        Map<String, Object> s = t.snapshot(0);
        List<Map<String, Object>> comparisons = (List<Map<String, Object>>) s.get("comparisons");
        assertEquals(1, comparisons.size());
        Map<String, Object> c = comparisons.get(0);
        assertEquals("co", c.get("model"));
        assertEquals("pop", c.get("champion"));
        assertEquals(2L, c.get("windows"));
        assertEquals(0.2, ((Map<String, Double>) c.get("test")).get("NDCG@10.p"), EXACT);
        List<Map<String, Object>> points = (List<Map<String, Object>>) c.get("points");
        assertEquals(2, points.size());
        assertEquals(10L, points.get(0).get("t"));
        assertEquals(0.15, (double) points.get(0).get("ndcg10Diff"), EXACT);
        assertEquals(0.10, (double) points.get(1).get("ndcg10Diff"), EXACT);

        // The comparison record did not replace the challenger's running totals in the version table.
        List<Map<String, Object>> versions = (List<Map<String, Object>>) s.get("versions");
        assertEquals(1, versions.size());
        assertEquals(0.31, ((Map<String, Double>) versions.get(0).get("runningMetrics")).get("NDCG@10"), EXACT);
    }
}
