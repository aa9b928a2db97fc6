package dev.streamrec.model.cli;

import dev.streamrec.model.data.Interaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingDataTest {

    private static CliArgs options(String... args) {
        CommandOptions c = CommandOptions.command("test", "The data options alone.", null);
        TrainingData.declare(c);
        return c.parse(List.of(args));
    }

    @Test
    void shouldApplyTheTimeCutOfTheCommandLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("i.csv");
        Files.writeString(csv, "userId,itemId,timestamp\nu1,a,10\nu1,b,20\nu2,a,30\nu2,c,40\n");
        List<Interaction> until = TrainingData.read(options("--data", csv.toString(), "--train-until", "30"));
        assertEquals(List.of("a", "b"), until.stream().map(Interaction::itemId).toList());
        List<Interaction> half = TrainingData.read(options("--data", csv.toString(), "--train-fraction", "0.5"));
        assertEquals(until, half);
        assertEquals(4, TrainingData.read(options("--data", csv.toString())).size());
        assertTrue(TrainingData.cut(options(), until).isEmpty());
    }

    @Test
    void shouldRefuseBothKindsOfCutAtOnce() {
        CliArgs both = options("--train-until", "5", "--train-fraction", "0.5");
        assertThrows(IllegalArgumentException.class, () -> TrainingData.cut(both, List.of()));
    }
}
