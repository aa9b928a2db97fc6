package dev.streamrec.jobs.eval;

import dev.streamrec.jobs.RecommenderJob;
import dev.streamrec.schema.event.EvalMetrics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Champion vs challenger on a MiniCluster: per-window differences and the paired t-test. */
class ChampionComparisonFunctionITCase {

    private static EvalMetrics window(String model, long start, double ndcg) {
        EvalMetrics m = new EvalMetrics();
        m.model = model;
        m.modelVersion = "v1";
        m.scope = "window";
        m.windowStart = start;
        m.windowEnd = start + 10;
        m.count = 100;
        m.metrics = Map.of("HR@10", 2 * ndcg, "NDCG@10", ndcg, "MRR", ndcg / 2);
        return m;
    }

    @Test
    void shouldPairWindowsAndTestTheDifference() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                RecommenderJob.runtimeConfiguration(new Configuration()));
        env.setParallelism(1);
        List<EvalMetrics> in = List.of(
                window("champ", 0, 0.1), window("chall", 0, 0.2),
                window("chall", 10, 0.3), window("champ", 10, 0.2),
                window("champ", 20, 0.3), window("chall", 20, 0.5),
                window("chall", 30, 0.9)); // no champion window yet: no new comparison
        List<EvalMetrics> out = new ArrayList<>();
        try (CloseableIterator<EvalMetrics> it = env.fromData(in)
                .keyBy(m -> "all")
                .process(new ChampionComparisonFunction("champ", 100))
                .executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        assertEquals(3, out.size()); // a comparison per new pair: windows 0, 10, 20
        EvalMetrics last = out.get(out.size() - 1);
        assertEquals("comparison", last.scope);
        assertEquals("chall", last.model);
        assertEquals("champ", last.baseline);
        assertEquals(3, last.count);
        // diffs 0.1, 0.1, 0.2: mean 0.1333, t = 4.0, df 2, p = 0.05719
        assertEquals(0.133333, last.metrics.get("NDCG@10.diff"), 1e-6);
        assertEquals(4.0, last.metrics.get("NDCG@10.t"), 1e-6);
        assertEquals(0.05719, last.metrics.get("NDCG@10.p"), 1e-4);
        assertEquals(0.266667, last.metrics.get("HR@10.diff"), 1e-6);
    }
}
