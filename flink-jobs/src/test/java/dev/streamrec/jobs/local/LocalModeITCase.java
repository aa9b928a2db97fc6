package dev.streamrec.jobs.local;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-command local mode, end to end: broker, job, MovieLens replay, summary table. */
class LocalModeITCase {

    @Test
    void shouldReplayMovieLensAndPrintTheSummary() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = new LocalMode(out).run(List.of("--max-events", "3000", "--models", "popularity,cooccurrence", "-Dscoring.batch-size=16"));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("events in                3,000"), text);
        assertTrue(text.contains("predictions out          6,000"), text);
        assertTrue(text.contains("dead letters             0"), text);
        assertTrue(text.matches("(?s).*\\npopularity +decay-\\S+ +[0-9,]+ +0\\.\\d{4}.*"), text);
        assertTrue(text.matches("(?s).*\\ncooccurrence +w3-\\S+ +[0-9,]+ +0\\.\\d{4}.*"), text);
        // by default the run is cut at 80% of the replayed events, and every model is also scored on the rest
        assertTrue(text.contains("after the training cut: "), text);
        // (at most 80%: the events of the cut's own second all fall after it)
        assertTrue(text.matches("(?s).*after the training cut: \\S+Z \\(\\d+\\), [0-9.]+% of the replayed events"
                + " \\([0-9,]+ of 3,000\\) before it.*"), text);
        String afterCut = text.substring(text.indexOf("after the training cut: "));
        for (String model : List.of("popularity +decay-\\S+", "cooccurrence +w3-\\S+")) {
            assertTrue(afterCut.matches("(?s).*\\n" + model + " +[1-9][0-9,]* +0\\.\\d{4} +0\\.\\d{4} \\| +0\\.\\d{4}.*"),
                    model + " after the cut:\n" + text);
        }
        assertTrue(text.matches("(?s).*\\nprocessing p50 / p99 +[0-9,]+ ms / [0-9,]+ ms.*"), text);
    }
}
