package dev.streamrec.model.stress;

import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code stress}: trains each chosen family again and again (several seeds, a few epochs on part of
 * the log, MiniLM plus synthetic CLIP-like modalities), one child JVM per run so that a native
 * crash is counted instead of ending the command, and prints a table of crashes, skipped steps,
 * non-finite weights and times (docs/training-stability.md). Exit code 0 when no run crashed, timed
 * out, failed or wrote non-finite weights; skipped steps alone do not fail it (the trainers are
 * built to survive them), they are reported. Runs one child at a time.
 */
public final class StressCommand {

    private StressCommand() {}

    /** The command and its options ({@link StressOptions}). */
    public static CommandOptions options() {
        CommandOptions c = CommandOptions.command("stress", "Repeated short trainings in child JVMs: crashes, skipped "
                + "steps, non-finite weights (docs/training-stability.md).", StressCommand::run)
                .examples("streamrec.jar stress --families missrec --runs 5 --epochs 1");
        StressOptions.declare(c);
        return c;
    }

    private static int run(CliArgs args) throws Exception {
        StressOptions o = StressOptions.parse(args);
        Path work = o.workDir() != null ? Files.createDirectories(o.workDir()) : Files.createTempDirectory("streamrec-stress");
        List<Path> features = StressFeatures.prepare(o.featuresDir(), o.syntheticModalities(), o.syntheticDim(), work);
        System.err.println("stress: work directory " + work + ", features " + features);
        ChildJvm jvm = new ChildJvm(o.children());
        StressReport report = new StressReport();
        for (StressFamily family : o.families()) {
            for (int run = 0; run < o.runs(); run++) {
                long seed = o.seed(run);
                Path dir = work.resolve("runs").resolve(family.id() + "-" + run);
                ChildJvm.Outcome out = jvm.run(StressChild.class,
                        family.command(o.training(), seed, features, dir.resolve("artifact")), dir, o.timeoutSeconds());
                report.add(family, run, seed, out);
                System.err.printf(Locale.ROOT, "stress %s run %d seed %d: exit %d%s%s, %d skipped steps, %s, %.1f s%n",
                        family.id(), run, seed, out.exitCode(), out.crashed() ? " CRASH" : "",
                        out.timedOut() ? " TIMEOUT" : "", out.log().skippedSteps(),
                        out.log().finished() ? out.log().nonFiniteWeights() + " non-finite weights of " + out.log().checkedWeights()
                                : "weights not checked",
                        out.seconds());
            }
        }
        report.print(System.out);
        return report.problems() == 0 ? 0 : 1;
    }
}
