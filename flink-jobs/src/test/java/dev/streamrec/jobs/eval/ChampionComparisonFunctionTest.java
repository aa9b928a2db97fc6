package dev.streamrec.jobs.eval;

import dev.streamrec.schema.event.EvalMetrics;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The champion comparison's state on RocksDB through Flink's operator harness: bounded over many
 * windows and versions, and the state of the release that kept every window moved into it.
 * (The statistics are {@code ChampionComparisonFunctionITCase}'s.)
 */
class ChampionComparisonFunctionTest {

    private static final int MAX_WINDOWS = 10;

    private static EvalMetrics window(String model, String version, long start, double ndcg) {
        EvalMetrics m = new EvalMetrics();
        m.model = model;
        m.modelVersion = version;
        m.scope = "window";
        m.windowStart = start;
        m.windowEnd = start + 10;
        m.count = 100;
        m.metrics = Map.of("HR@10", 2 * ndcg, "NDCG@10", ndcg, "MRR", ndcg / 2);
        return m;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, EvalMetrics, EvalMetrics> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ChampionComparisonFunction("champ", MAX_WINDOWS)), m -> "all", Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.open();
        return h;
    }

    @SuppressWarnings("unchecked")
    private static <V> MapState<String, V> state(KeyedOneInputStreamOperatorTestHarness<String, EvalMetrics, EvalMetrics> h,
            org.apache.flink.api.common.state.MapStateDescriptor<String, V> d) throws Exception {
        h.getOperator().setCurrentKey("all");
        KeyedStateBackend<Object> backend = (KeyedStateBackend<Object>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
        return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, d);
    }

    @Test
    void shouldKeepTheNewestWindowsInOrderReplacingARepeat() {
        ComparedWindows w = new ComparedWindows();
        for (long start : new long[] {30, 10, 20, 50, 40}) {
            w.put(new WindowScore("m", "v", start, Map.of("MRR", (double) start)), 3);
        }
        assertEquals(List.of(30L, 40L, 50L), w.windows.stream().map(s -> s.windowStart).toList());
        w.put(new WindowScore("m", "v", 40, Map.of("MRR", 1.0)), 3);
        assertEquals(1.0, w.at(40).metrics.get("MRR"));
        assertNull(w.at(20));
        ComparedWindows champion = new ComparedWindows();
        champion.put(new WindowScore("c", "v", 30, Map.of()), 3);
        champion.put(new WindowScore("c", "v", 50, Map.of()), 3);
        List<WindowScore[]> pairs = w.pairedWith(champion, 5);
        assertEquals(List.of(50L, 30L), pairs.stream().map(p -> p[0].windowStart).toList(), "newest first");
        assertEquals(1, w.pairedWith(champion, 1).size());
    }

    @Test
    void shouldStayBoundedOverManyWindowsAndDropARetiredVersion() throws Exception {
        try (var h = harness()) {
            for (long i = 0; i < 1000; i++) {
                h.processElement(new StreamRecord<>(window("champ", "v1", i * 10, 0.1)));
                // the challenger's v1 is replaced by v2 half way
                h.processElement(new StreamRecord<>(window("chall", i < 500 ? "v1" : "v2", i * 10, 0.2)));
            }
            assertEquals(1000, h.extractOutputValues().size(), "a comparison per pair formed");
            EvalMetrics last = h.extractOutputValues().get(999);
            assertEquals("v2", last.modelVersion);
            assertEquals(MAX_WINDOWS, last.count);
            MapState<String, ComparedWindows> series = state(h, ChampionComparisonFunction.SERIES);
            List<String> keys = new ArrayList<>();
            for (Map.Entry<String, ComparedWindows> e : series.entries()) {
                keys.add(e.getKey());
                assertEquals(MAX_WINDOWS, e.getValue().windows.size(), e.getKey());
            }
            assertEquals(List.of(ChampionComparisonFunction.CHAMPION, "chall\u0000v2"), keys.stream().sorted().toList(),
                    "the champion and the live challenger only: the retired version went");
        }
    }

    @Test
    void shouldMoveTheWindowsOfTheReleaseThatKeptThemAllIntoTheBoundedState() throws Exception {
        try (var h = harness()) {
            MapState<String, WindowScore> legacy = state(h, ChampionComparisonFunction.LEGACY_WINDOWS);
            // as the earlier release wrote them: champion and challenger windows 0 and 10
            double[][] ndcg = {{0.1, 0.2}, {0.2, 0.3}};
            for (int w = 0; w < 2; w++) {
                long start = w * 10L;
                legacy.put("champ\u0000v1\u0000" + start, new WindowScore("champ", "v1", start, window("champ", "v1", start, ndcg[w][0]).metrics));
                legacy.put("chall\u0000v1\u0000" + start, new WindowScore("chall", "v1", start, window("chall", "v1", start, ndcg[w][1]).metrics));
            }
            h.processElement(new StreamRecord<>(window("champ", "v1", 20, 0.3)));
            h.processElement(new StreamRecord<>(window("chall", "v1", 20, 0.5)));
            List<EvalMetrics> out = h.extractOutputValues();
            assertEquals(1, out.size());
            // as ChampionComparisonFunctionITCase: diffs 0.1, 0.1, 0.2 over three windows
            assertEquals(3, out.get(0).count);
            assertEquals(0.133333, out.get(0).metrics.get("NDCG@10.diff"), 1e-6);
            assertFalse(state(h, ChampionComparisonFunction.LEGACY_WINDOWS).keys().iterator().hasNext(), "old state cleared");
            assertTrue(state(h, ChampionComparisonFunction.SERIES).contains(ChampionComparisonFunction.CHAMPION));
        }
    }
}
