package dev.streamrec.model.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The training benchmark's table: each KDSR variant's step time against its backbone's. */
class TrainingBenchmarkTest {

    @Test
    void printsEachKdsrVariantsStepTimeAgainstItsBackbone() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainingBenchmark.print(List.of(
                new TrainingBenchmark.Row("sasrec", "sampled", 128, 30, 4.0, 512.0),
                new TrainingBenchmark.Row("kdsr-sasrec", "sampled", 128, 30, 2.5, 320.0),
                new TrainingBenchmark.Row("bm3", "-", 2048, 30, 10.0, 20480.0)),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, lines.size());
        assertEquals(List.of("kdsr-sasrec", "sampled", "128", "30", "2.50", "320.0", "1.60x"),
                List.of(lines.get(2).trim().split("\\s+")));
        assertEquals(6, lines.get(1).trim().split("\\s+").length, "no ratio for a backbone");
    }
}
