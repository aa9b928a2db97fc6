package dev.streamrec.model.stress;

import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.train.TrainingOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line each stress family hands its child is one {@code train}/{@code pretrain} accepts:
 * a renamed training option there once made every MISSRec stress run exit 1 before its first step.
 */
class StressFamilyTest {

    private static final StressOptions OPTIONS = StressOptions.parse(CliArgs.parse(List.of("--examples-per-epoch", "1500")));

    @Test
    void everyFamilysCommandPassesTheTrainingOptionParser() {
        for (StressFamily f : StressFamily.values()) {
            List<String> cmd = f.command(OPTIONS, 7, List.of(Path.of("a.tsv.gz")), Path.of("out"));
            assertTrue(cmd.get(0).equals("train") || cmd.get(0).equals("pretrain"), f + ": " + cmd);
            CliArgs args = CliArgs.parse(cmd.subList(1, cmd.size()));
            assertDoesNotThrow(() -> TrainingOptions.from(args, TrainingOptions.of(1, 32, 1e-3f, 1, 1)), f.id());
            assertEquals("7", args.get("seed", null), f.id());
        }
    }

    @Test
    void missrecRunsSampleTheConfiguredExamplesPerEpoch() {
        for (StressFamily f : List.of(StressFamily.MISSREC_TRANSDUCTIVE, StressFamily.MISSREC_INDUCTIVE,
                StressFamily.MISSREC_PRETRAIN)) {
            List<String> cmd = f.command(OPTIONS, 1, List.of(), Path.of("out"));
            CliArgs args = CliArgs.parse(cmd.subList(1, cmd.size()));
            assertEquals(1500, args.getInt("examples-per-epoch", -1), f.id());
        }
    }

    @Test
    void theOldRowsOptionIsRefusedWithItsNewName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StressOptions.parse(CliArgs.parse(List.of("--rows", "10"))));
        assertTrue(e.getMessage().contains("--examples-per-epoch"), e.getMessage());
    }
}
