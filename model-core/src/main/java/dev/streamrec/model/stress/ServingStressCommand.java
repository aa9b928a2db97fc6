package dev.streamrec.model.stress;

import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code stress-serving}: trains two short artifact versions of each chosen family (through the
 * training stress's child, reused when already in the work directory), then serves them all in one
 * child JVM for the given duration, swapping versions while batches are scored, with
 * {@code System.gc()} forced every few hundred milliseconds ({@link ServingStressChild},
 * {@link ServingStressLoop}); echoes the child's progress lines, and prints the table of
 * {@link ServingReport} (docs/training-stability.md, "Serving stress"). Exit code 0 only when no
 * training failed, the child neither crashed nor timed out nor failed, and no answer had a
 * non-finite score or another fault and no call threw.
 */
public final class ServingStressCommand {

    private ServingStressCommand() {}

    /** The command and its options ({@link ServingStressOptions}). */
    public static CommandOptions options() {
        CommandOptions c = CommandOptions.command("stress-serving", "Hours of serving with hot swaps in a child JVM: "
                + "crashes, non-finite scores, bad answers, memory growth (docs/training-stability.md).",
                ServingStressCommand::run)
                .examples("streamrec.jar stress-serving --duration 3h --swap-every 30s --work-dir /tmp/serving-stress");
        ServingStressOptions.declare(c);
        return c;
    }

    private static int run(CliArgs args) throws Exception {
        ServingStressOptions o = ServingStressOptions.parse(args);
        Path work = o.workDir() != null ? Files.createDirectories(o.workDir())
                : Files.createTempDirectory("streamrec-serving-stress");
        List<Path> features = StressFeatures.prepare(o.featuresDir(), ServingStressOptions.SYNTHETIC_MODALITIES,
                ServingStressOptions.SYNTHETIC_DIM, work);
        System.err.println("stress-serving: work directory " + work + ", features " + features);
        ChildJvm jvm = new ChildJvm(o.children());
        List<String> failed = new ServingArtifacts(work).trainMissing(o, features, jvm);
        if (!failed.isEmpty()) {
            failed.forEach(f -> System.out.println("training failed: " + f));
            return 1;
        }
        ChildJvm.Outcome out = jvm.run(ServingStressChild.class, o.toArgs(work), work.resolve("serving"),
                o.childTimeoutSeconds(), line -> {
                    if (ServingLines.isReport(line) || line.startsWith("stress-fault")) {
                        System.err.println(line);
                    }
                });
        ServingReport report = new ServingReport(out);
        report.print(System.out);
        return report.problems() == 0 ? 0 : 1;
    }
}
