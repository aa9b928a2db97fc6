package dev.streamrec.model.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The serving child's report lines read back, and the parent's table and verdict from them. */
class ServingLinesTest {

    private static final ServingLines.Progress P1 = new ServingLines.Progress(60.2, 6400, 100, 3, 0, 0, 0, 1500, 300);
    private static final ServingLines.Progress P2 = new ServingLines.Progress(120.4, 12800, 200, 7, 0, 0, 0, 1800, 310);
    private static final ServingLines.Result SASREC = new ServingLines.Result("sasrec", 12800, 200, 7, 0, 0, 0, 0);
    private static final ServingLines.Result BM3 = new ServingLines.Result("bm3", 12736, 199, 6, 0, 0, 1, 12);

    private static List<String> finishedRun() {
        return List.of("stress-serving child: serving [sasrec, bm3]", ServingLines.progress(P1), "some warning",
                ServingLines.progress(P2), ServingLines.result(SASREC), ServingLines.result(BM3),
                ServingLines.total(new ServingLines.Total(12800, 200, 125.0)));
    }

    private static ChildJvm.Outcome outcome(int exit, boolean timedOut, String frame, List<String> lines) {
        return new ChildJvm.Outcome(exit, timedOut, frame, lines, 130.0, Path.of("/w/serving/run.log"));
    }

    private static String print(ServingReport r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadBackWhatTheChildPrints() {
        ServingLines.Parsed p = ServingLines.parse(finishedRun());
        assertEquals(List.of(P1, P2), p.progress());
        assertEquals(List.of(SASREC, BM3), p.results());
        assertEquals(new ServingLines.Total(12800, 200, 125.0), p.total());
        assertTrue(p.finished());
        assertTrue(ServingLines.isReport(ServingLines.progress(P1)));
        assertFalse(ServingLines.isReport("some warning"));
    }

    @Test
    void shouldKeepTheProgressOfACrashedChildAndSkipATornLine() {
        String torn = ServingLines.progress(P2).substring(0, 40);
        ServingLines.Parsed p = ServingLines.parse(List.of(ServingLines.progress(P1), torn));
        assertEquals(List.of(P1), p.progress());
        assertNull(p.total());
        assertFalse(p.finished());
    }

    @Test
    void shouldTabulateAndCountEveryProblem() {
        ServingReport r = new ServingReport(outcome(0, false, null, finishedRun()));
        assertEquals(1, r.problems(), "bm3's exception");
        String table = print(r);
        assertTrue(table.contains("bm3"), table);
        assertTrue(table.contains("crash: none"), table);
        assertTrue(table.contains("RSS: first report 1500 MB (60 s), last 1800 MB (120 s), max 1800 MB"), table);

        List<String> clean = List.of(ServingLines.progress(P1), ServingLines.result(SASREC),
                ServingLines.total(new ServingLines.Total(12800, 200, 125.0)));
        assertEquals(0, new ServingReport(outcome(0, false, null, clean)).problems());
        assertEquals(1, new ServingReport(outcome(1, false, null, clean)).problems(), "a failed child");

        ServingReport crashed = new ServingReport(outcome(134, false, "libtorch_cpu.so+0x1 at::foo", List.of(ServingLines.progress(P1))));
        assertEquals(2, crashed.problems(), "the crash and the missing result");
        assertTrue(print(crashed).contains("crash: libtorch_cpu.so+0x1 at::foo"), print(crashed));
        assertEquals(2, new ServingReport(outcome(137, true, null, List.of())).problems(), "a timeout, no result");
    }

    @Test
    void shouldReadBackAndCountFineTuningInTheServingJvm() {
        ServingLines.FineTuneRound round = new ServingLines.FineTuneRound("kdsr-gru4rec", 3, 41.5, 0, 202241);
        ServingLines.FineTuneTotal total = new ServingLines.FineTuneTotal(4, 0, 0, 160.0);
        List<String> lines = new java.util.ArrayList<>(List.of(ServingLines.progress(P1), ServingLines.result(SASREC),
                ServingLines.fineTuneRound(round), ServingLines.total(new ServingLines.Total(12800, 200, 125.0)),
                ServingLines.fineTuneTotal(total)));
        ServingLines.Parsed p = ServingLines.parse(lines);
        assertEquals(List.of(round), p.rounds());
        assertEquals(total, p.fineTune());
        assertTrue(ServingLines.isReport(ServingLines.fineTuneRound(round)));
        ServingReport clean = new ServingReport(outcome(0, false, null, lines));
        assertEquals(0, clean.problems());
        assertTrue(print(clean).contains("fine-tuning in the serving JVM: 4 rounds {kdsr-gru4rec=1}, 0 failed, "
                + "0 with non-finite weights, 0 training steps skipped, 160 s of training"), print(clean));

        lines.add("kdsr-gru4rec: 2 steps skipped (non-finite loss or gradient)");
        lines.add(ServingLines.fineTuneTotal(new ServingLines.FineTuneTotal(4, 1, 1, 160.0)));
        assertEquals(4, new ServingReport(outcome(0, false, null, lines)).problems(),
                "2 skipped steps, a failed round, a round with non-finite weights");
    }
}
