package dev.streamrec.model.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The training benchmark's table: each KDSR variant's step time against its backbone's, and DJL against PyTorch. */
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

    @Test
    void printsThePyTorchReferenceAfterItsModelAndTheDjlShareOfIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainingBenchmark.print(List.of(
                new TrainingBenchmark.Row("sasrec", "sampled", 128, 30, 9.0, 1152.0),
                new TrainingBenchmark.Row("bm3", "-", 2048, 30, 10.0, 20480.0)),
                Map.of("sasrec", new TrainingBenchmark.Row("sasrec (pytorch)", "sampled", 128, 30, 10.0, 1280.0)),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, lines.size());
        assertEquals(List.of("sasrec", "sampled", "128", "30", "9.00", "1152.0", "90%"),
                List.of(lines.get(1).trim().split("\\s+")));
        assertEquals(List.of("sasrec", "(pytorch)", "sampled", "128", "30", "10.00", "1280.0"),
                List.of(lines.get(2).trim().split("\\s+")));
        assertEquals(6, lines.get(3).trim().split("\\s+").length, "bm3 has no reference");
    }
}
