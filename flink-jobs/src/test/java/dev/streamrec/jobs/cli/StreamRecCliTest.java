package dev.streamrec.jobs.cli;

import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.CommandRunner;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code streamrec.jar} as a new user meets it: every command and subcommand answers {@code --help}
 * with its options, their defaults and an example; unknown and misspelt options are errors naming
 * the closest valid one; {@code completion} prints a bash script naming the commands.
 */
class StreamRecCliTest {

    /** Exit code, stdout and stderr of one command line. */
    private record Run(int code, String out, String err) {}

    private static Run run(String... argv) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> args = List.of(argv);
        CommandOptions root = StreamRecCli.commands(args, new PrintStream(printed, true, StandardCharsets.UTF_8));
        int code = CommandRunner.run(root, args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out + printed.toString(StandardCharsets.UTF_8), err.toString());
    }

    /** Every command path (e.g. [bench, e2e]) under {@code spec}. */
    private static void collect(CommandSpec spec, List<String> path, List<List<String>> into) {
        spec.subcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            into.add(p);
            collect(sub.getCommandSpec(), p, into);
        });
    }

    @Test
    void everyCommandAnswersHelpWithItsOptionsDefaultsAndAnExample() {
        List<List<String>> paths = new ArrayList<>();
        paths.add(List.of());
        collect(StreamRecCli.commands(List.of(), System.out).spec(), List.of(), paths);
        assertTrue(paths.size() >= 15, "commands found: " + paths);
        for (List<String> path : paths) {
            List<String> argv = new ArrayList<>(path);
            argv.add("--help");
            Run r = run(argv.toArray(String[]::new));
            assertEquals(0, r.code(), argv + "\n" + r.err());
            assertTrue(r.out().contains("Usage: streamrec.jar"), argv + "\n" + r.out());
            assertTrue(r.out().contains("\nExample"), argv + " has no example:\n" + r.out());
            CommandSpec spec = StreamRecCli.commands(argv, System.out).spec();
            for (String name : path) {
                spec = spec.subcommands().get(name).getCommandSpec();
            }
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                assertTrue(r.out().contains(o.longestName()), argv + " does not list " + o.longestName());
                if (o.defaultValue() != null && !o.defaultValue().isEmpty()) { // long ones wrap
                    assertTrue(r.out().replaceAll("\\s+", "").contains("Default:" + o.defaultValue().replaceAll("\\s+", "")),
                            argv + " does not show the default of " + o.longestName() + ":\n" + r.out());
                }
            }
        }
    }

    @Test
    void trainHelpShowsTheNamedModelsOptionsAndDefaultsAndWithoutOneListsTheModels() {
        Run none = run("train", "--help");
        assertEquals(0, none.code());
        assertTrue(none.out().contains("sasrec") && none.out().contains("bm3") && none.out().contains("missrec"), none.out());
        assertTrue(none.out().contains("--data"), "the options every model shares: " + none.out());

        Run bm3 = run("train", "--model", "bm3", "--help");
        assertTrue(bm3.out().matches("(?s).*--cl-weight=X.*Default: 2\\.0.*"), bm3.out());
        assertTrue(bm3.out().matches("(?s).*--epochs=N.*Default: 300\\b.*"), "BM3's epochs: " + bm3.out());
        assertTrue(!bm3.out().contains("--codebook-k"), "no KDSR option for BM3");
        Run sasrec = run("train", "--model", "sasrec", "--help");
        assertTrue(sasrec.out().matches("(?s).*--epochs=N.*Default: 200\\b.*"), "SASRec's epochs: " + sasrec.out());
        Run pretrain = run("pretrain", "--model", "missrec", "--help");
        assertTrue(pretrain.out().matches("(?s).*--epochs=N.*Default: 5\\b.*"), "MISSRec pre-training's: " + pretrain.out());
    }

    @Test
    void aMisspeltOptionIsAnErrorNamingTheClosestOne() {
        Run r = run("train", "--model", "sasrec", "--epoch", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown options: '--epoch'"), r.err());
        assertTrue(r.err().contains("--epochs"), "suggests --epochs: " + r.err());
        assertEquals("", r.out());

        Run e2e = run("bench", "e2e", "--max-event", "10");
        assertEquals(2, e2e.code());
        assertTrue(e2e.err().contains("--max-events"), e2e.err());
    }

    @Test
    void anUnknownOptionIsAnError() {
        Run r = run("local", "--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option: '--bogus'"), r.err());
        assertTrue(r.err().contains("streamrec.jar local --help"), r.err());
        // an option another family reads is not one this family ignores
        Run bm3 = run("train", "--model", "bm3", "--codebook-k", "4");
        assertEquals(2, bm3.code());
        assertTrue(bm3.err().contains("'--codebook-k'"), bm3.err());
    }

    @Test
    void aRenamedOptionIsAnsweredWithItsReplacement() {
        Run r = run("train", "--model", "sasrec", "--batch", "8");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--batch is now --batch-size"), r.err());
    }

    @Test
    void aCommandOrModelThatIsNoneIsAnError() {
        Run none = run("trian");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("train"), none.err());
        Run model = run("train", "--model", "sasrek");
        assertEquals(2, model.code());
        assertTrue(model.err().contains("unknown model 'sasrek'"), model.err());
        Run bare = run("bench");
        assertEquals(2, bare.code());
        assertTrue(bare.out().isEmpty() && bare.err().contains("zipf-data"), bare.err());
    }

    @Test
    void completionPrintsABashScriptNamingTheCommands() {
        Run r = run("completion");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("complete -F"), r.out());
        for (String command : List.of("local", "bench", "train", "evaluate", "e2e", "zipf-data")) {
            assertTrue(r.out().contains(command), "completion names " + command);
        }
        assertTrue(r.out().contains("--epochs") || r.out().contains("--max-events"), "and their options");
    }
}
