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
    }
}
