package dev.streamrec.model.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LogTail}: nothing before the file exists, each complete line once, a torn line only once it ends. */
class LogTailTest {

    private static void append(Path f, String text) throws Exception {
        Files.writeString(f, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void shouldHandOnEachCompleteLineOnceAndWaitForATornOne(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("run.log");
        List<String> lines = new ArrayList<>();
        LogTail tail = new LogTail(log, lines::add);

        tail.poll(); // no file yet
        append(log, "serving-progress elapsed=60.0s\nserving-res");
        tail.poll();
        assertEquals(List.of("serving-progress elapsed=60.0s"), lines);

        tail.poll(); // nothing new
        append(log, "ult model=sasrec\n\nlast\n");
        tail.poll();
        assertEquals(List.of("serving-progress elapsed=60.0s", "serving-result model=sasrec", "", "last"), lines);
    }
}
