package dev.streamrec.model.stress;

import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.ModelCli;
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

    private static final StressOptions OPTIONS = StressOptions.parse(StressCommand.options().parse(List.of("--examples-per-epoch", "1500")));

    /** A child's command line (command first) parsed as that command parses it. */
    private static CliArgs childOptions(List<String> cmd) {
        List<String> rest = cmd.subList(1, cmd.size());
        return ModelCli.command(cmd.get(0), rest).parse(rest);
    }

    @Test
    void everyFamilysCommandPassesTheTrainingOptionParser() {
        for (StressFamily f : StressFamily.values()) {
            List<String> cmd = f.command(OPTIONS.training(), 7, List.of(Path.of("a.tsv.gz")), Path.of("out"));
            assertTrue(cmd.get(0).equals("train") || cmd.get(0).equals("pretrain"), f + ": " + cmd);
            CliArgs args = childOptions(cmd);
            assertDoesNotThrow(() -> TrainingOptions.from(args), f.id());
            assertEquals("7", args.get("seed"), f.id());
        }
    }

    @Test
    void missrecRunsSampleTheConfiguredExamplesPerEpoch() {
        for (StressFamily f : List.of(StressFamily.MISSREC_TRANSDUCTIVE, StressFamily.MISSREC_INDUCTIVE,
                StressFamily.MISSREC_PRETRAIN)) {
            List<String> cmd = f.command(OPTIONS.training(), 1, List.of(), Path.of("out"));
            CliArgs args = childOptions(cmd);
            assertTrue(args.has("examples-per-epoch"), f.id());
            assertEquals(1500, args.getInt("examples-per-epoch"), f.id());
        }
    }

    @Test
    void theOldRowsOptionIsRefusedWithItsNewName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StressOptions.parse(StressCommand.options().parse(List.of("--rows", "10"))));
        assertTrue(e.getMessage().contains("--examples-per-epoch"), e.getMessage());
    }
}
