package dev.streamrec.jobs.eval;

import dev.streamrec.schema.event.EvalMetrics;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalCombinerTest {

    private static final int[] CUTOFFS = {10, 20};
    private static final long WINDOW = 100;

    @Test
    void shouldCombineConsecutiveTestsOfAWindowAndSendThemWhenTimeIsUp() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new EvalCombiner(CUTOFFS, WINDOW, 200, 1000))) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>(new EvalRecord("m", "v1", 10, 1, "e1")));
            h.processElement(new StreamRecord<>(new EvalRecord("m", "v1", 20, 0, "e2")));
            h.processElement(new StreamRecord<>(new EvalRecord("m", "v1", 150, 3, "e3")));
            h.processElement(new StreamRecord<>(new EvalRecord("m", "v1", 30, 2, "e4"))); // late: its own segment
            h.processElement(new StreamRecord<>(new EvalRecord("n", "v1", 40, 1, "e5")));
            assertTrue(h.extractOutputValues().isEmpty(), "held until the interval is up");
            h.setProcessingTime(200);
            List<EvalSegment> out = h.extractOutputValues();
            assertEquals(4, out.size());
            assertEquals(List.of(0L, 100L, 0L, 0L), out.stream().map(s -> s.windowStart).toList());
            assertEquals(List.of(2L, 1L, 1L, 1L), out.stream().map(s -> s.totals.count).toList());
            assertEquals(List.of("m", "m", "m", "n"), out.stream().map(s -> s.model).toList());
            assertEquals(10, out.get(0).totals.firstTimestamp);
            assertEquals(20, out.get(0).totals.lastTimestamp);
        }
    }

    @Test
    void shouldSendEverythingHeldBeforeACheckpointBarrierAndAtTheEnd() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new EvalCombiner(CUTOFFS, WINDOW, 60_000, 1000))) {
            h.open();
            h.processElement(new StreamRecord<>(new EvalRecord("m", "v1", 10, 1, "e1")));
            h.prepareSnapshotPreBarrier(1);
            assertEquals(1, h.extractOutputValues().size());
            h.processElement(new StreamRecord<>(new EvalRecord("m", "v1", 11, 1, "e2")));
            h.getOperator().finish(); // end of input (or a drain): the runtime calls finish()
            assertEquals(2, h.extractOutputValues().size());
        }
    }

    /**
     * The aggregation's windows and totals are the same whether each test comes on its own or
     * combined (random tests over a few windows, some late, two model versions, flushed by count).
     */
    @Test
    void shouldAggregateCombinedTestsExactlyAsSingleOnes() throws Exception {
        Random random = new Random(5);
        List<EvalRecord> tests = new ArrayList<>();
        long time = 0;
        for (int i = 0; i < 3000; i++) {
            time += random.nextInt(3);
            long t = random.nextInt(10) == 0 ? Math.max(0, time - random.nextInt(300)) : time;
            tests.add(new EvalRecord("m", random.nextBoolean() ? "v1" : "v2", t, random.nextInt(25), "e" + i));
        }
        for (String version : List.of("v1", "v2")) {
            // versions are independent keys: the order holds per version
            List<EvalMetrics> single = aggregate(tests, 1).stream().filter(m -> m.modelVersion.equals(version)).toList();
            List<EvalMetrics> combined = aggregate(tests, 37).stream().filter(m -> m.modelVersion.equals(version)).toList();
            assertSameMetrics(single, combined);
        }
    }

    /**
     * With a cut, the after-cut totals are exactly those of the tests at or after it (random tests,
     * some late across the cut, combined and flushed by count), and the running totals still count
     * every test.
     */
    @Test
    void shouldTotalTheTestsAfterTheCutOnTheirOwn() throws Exception {
        Random random = new Random(7);
        long cut = 2_050; // inside a window: the cut, not a window boundary, splits the tests
        List<EvalRecord> tests = new ArrayList<>();
        EvalTotals expectedAfter = new EvalTotals(CUTOFFS);
        long time = 0;
        for (int i = 0; i < 3000; i++) {
            time += random.nextInt(3);
            long t = random.nextInt(10) == 0 ? Math.max(0, time - random.nextInt(300)) : time;
            EvalRecord r = new EvalRecord("m", "v1", t, random.nextInt(25), "e" + i);
            tests.add(r);
            if (t >= cut) {
                expectedAfter.add(r.rank, r.timestamp);
            }
        }
        assertTrue(expectedAfter.count > 500 && expectedAfter.count < 2500, "tests on both sides: " + expectedAfter.count);
        List<EvalMetrics> out = aggregate(tests, 37, cut);
        EvalMetrics after = out.stream().filter(m -> m.scope.equals("after-cut")).reduce((a, b) -> b).orElseThrow();
        EvalMetrics running = out.stream().filter(m -> m.scope.equals("running")).reduce((a, b) -> b).orElseThrow();
        assertEquals(expectedAfter.count, after.count);
        assertEquals(tests.size(), running.count);
        assertEquals(cut, after.windowStart);
        assertEquals(expectedAfter.lastTimestamp, after.windowEnd);
        expectedAfter.means().forEach((name, v) -> assertEquals(v, after.metrics.get(name), 1e-12, name));
        assertTrue(aggregate(tests, 37, EvalSegments.NO_CUT).stream().noneMatch(m -> m.scope.equals("after-cut")),
                "no after-cut totals without a cut");
    }

    private static void assertSameMetrics(List<EvalMetrics> single, List<EvalMetrics> combined) {
        assertEquals(single.size(), combined.size());
        assertTrue(single.stream().filter(m -> m.scope.equals("window")).count() >= 10, "windows: " + single.size());
        for (int i = 0; i < single.size(); i++) {
            EvalMetrics a = single.get(i);
            EvalMetrics b = combined.get(i);
            assertEquals(a.modelVersion + " " + a.scope + " " + a.windowStart + "-" + a.windowEnd + " n=" + a.count,
                    b.modelVersion + " " + b.scope + " " + b.windowStart + "-" + b.windowEnd + " n=" + b.count);
            assertEquals(a.metrics.keySet(), b.metrics.keySet());
            for (String name : a.metrics.keySet()) {
                // the same sums, added in another grouping: equal up to rounding
                assertEquals(a.metrics.get(name), b.metrics.get(name), 1e-12, name);
            }
        }
    }

    /** The window metrics and the final running totals of each version. */
    private static List<EvalMetrics> aggregate(List<EvalRecord> tests, int maxTests) throws Exception {
        return aggregate(tests, maxTests, EvalSegments.NO_CUT);
    }

    /** The window metrics and the final running (and after-cut) totals of each version. */
    private static List<EvalMetrics> aggregate(List<EvalRecord> tests, int maxTests, long cut) throws Exception {
        List<EvalSegment> segments;
        try (var combiner = new OneInputStreamOperatorTestHarness<>(
                new EvalCombiner(CUTOFFS, WINDOW, 60_000, maxTests, cut))) {
            combiner.open();
            for (EvalRecord r : tests) {
                combiner.processElement(new StreamRecord<>(r));
            }
            combiner.getOperator().finish();
            segments = combiner.extractOutputValues();
        }
        assertEquals(tests.size(), segments.stream().mapToLong(s -> s.totals.count).sum());
        try (var aggregation = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EvalAggregationFunction(CUTOFFS, WINDOW, 1_000_000, cut)),
                EvalSegment::modelKey, Types.STRING)) {
            aggregation.open();
            aggregation.setProcessingTime(0);
            for (EvalSegment s : segments) {
                aggregation.processElement(new StreamRecord<>(s));
            }
            aggregation.setProcessingTime(10_000); // the running totals are reported
            return aggregation.extractOutputValues();
        }
    }
}
