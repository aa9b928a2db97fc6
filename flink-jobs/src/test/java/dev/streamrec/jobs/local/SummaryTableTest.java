package dev.streamrec.jobs.local;

import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.serde.EventCodec;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The closing table: both latencies labelled, and every model after the cut beside the whole replay. */
class SummaryTableTest {

    private static EvalMetrics metrics(String model, String version, long count, double hr, double ndcg) {
        EvalMetrics m = new EvalMetrics();
        m.model = model;
        m.modelVersion = version;
        m.count = count;
        m.metrics = Map.of("HR@10", hr, "NDCG@10", ndcg);
        return m;
    }

    private static String print(Map<String, EvalMetrics> afterCut, ReplayCut cut, long processingP50) {
        Map<String, EvalMetrics> whole = new TreeMap<>(Map.of(
                "cooccurrence w3", metrics("cooccurrence", "w3", 9_000, 0.07, 0.033),
                "popularity decay", metrics("popularity", "decay", 9_000, 0.03, 0.012),
                "sasrec v1", metrics("sasrec", "v1", 9_000, 0.04, 0.015)));
        ReplayRun.Result r = new ReplayRun.Result(10_000, 30_000, 0, 10, 23_851, 30_100, whole, List.of(), 0, 0, 0,
                List.of(), 0, null, afterCut, processingP50, 410);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SummaryTable.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), "t", r, "note", cut);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReportEveryModelAfterTheCutBesideTheWholeReplay() {
        String text = print(Map.of(
                "cooccurrence w3", metrics("cooccurrence", "w3", 1_800, 0.05, 0.021),
                "sasrec v1", metrics("sasrec", "v1", 1_800, 0.02, 0.008)),
                new ReplayCut(1_486_495_876_000L, 8_000, 10_000), 35);
        assertTrue(text.contains("after the training cut: 2017-02-07T19:31:16Z (1486495876000), 80.0% of the replayed"
                + " events (8,000 of 10,000) before it"), text);
        assertTrue(text.contains("\ncooccurrence   w3                                1,800   0.0500   0.0210 |"
                + "         0.0700   0.0330\n"), text);
        assertTrue(text.contains("\nsasrec         v1                                1,800   0.0200   0.0080 |"), text);
        // no test after the cut (e.g. a version swapped out before it): a row all the same
        assertTrue(text.contains("\npopularity     decay                                 0        -        - |"), text);
        assertTrue(text.contains("end-to-end p50 / p99     23,851 ms / 30,100 ms  (replay's write to Kafka until"
                + " visible to a reader; note)"), text);
        assertTrue(text.contains("processing p50 / p99     35 ms / 410 ms  (the job's source reading the event"), text);
    }

    @Test
    void shouldLeaveOutWhatWasNotMeasured() {
        String text = print(Map.of(), null, -1);
        assertFalse(text.contains("after the training cut"), text);
        assertFalse(text.contains("processing p50"), text);
    }

    @Test
    void shouldReadBothLatenciesOfAPredictionWithoutDecodingIt() {
        byte[] json = "{\"eventId\":\"e\",\"items\":[{\"itemId\":\"latencyMs\",\"score\":1.0}],\"latencyMs\":812,\"processingMs\":9}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(812, OutputMonitor.latencyMs(json, new EventCodec()));
        assertEquals(9, OutputMonitor.longField(json, "\"processingMs\":".getBytes(StandardCharsets.UTF_8)));
        byte[] older = "{\"eventId\":\"e\",\"latencyMs\":5}".getBytes(StandardCharsets.UTF_8);
        assertEquals(5, OutputMonitor.latencyMs(older, new EventCodec()));
        assertEquals(-1, OutputMonitor.longField(older, "\"processingMs\":".getBytes(StandardCharsets.UTF_8)));
    }
}
