package dev.streamrec.model.stress;

import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * The options of {@code stress}, with their defaults in one place. Each run is short on purpose:
 * the point is many independent trainings (crashes and skipped steps are sporadic), not accuracy.
 *
 * @param families which {@link StressFamily} to train (default: all)
 * @param runs runs per family
 * @param seeds seeds the runs of a family cycle through (run i uses seed i mod |seeds|)
 * @param epochs training epochs per run (early stopping never cuts a run shorter)
 * @param trainFraction the part of the log (in time order) each run trains on
 * @param examplesPerEpoch MISSRec training examples sampled per epoch (its {@code --examples-per-epoch})
 * @param syntheticModalities CLIP-like modalities added to the MiniLM ones (0 = MiniLM only)
 * @param syntheticDim their dimension
 * @param featuresDir where the MiniLM {@code title.tsv.gz} and {@code tags.tsv.gz} are (made there when missing)
 * @param workDir where the synthetic features, artifacts and per-run logs go
 * @param children how the child JVMs run: heap, {@code -Xcheck:jni}, and {@code System.gc()} every
 *     so many ms, so that a Java buffer a tensor still points to is freed soon after its last
 *     reference goes (issue 26)
 * @param timeoutSeconds a run still alive after this is killed and counted as a timeout
 */
public record StressOptions(List<StressFamily> families, int runs, List<Long> seeds, int epochs, double trainFraction,
        int examplesPerEpoch, int syntheticModalities, int syntheticDim, Path featuresDir, Path workDir,
        ChildJvm.Settings children, long timeoutSeconds) {

    /** Declares the options on {@code command}, with their defaults. */
    public static void declare(CommandOptions command) {
        command.list("families", "FAMILY", StressFamily.names(), "The families to train.")
                .integer("runs", 3, "Runs per family.")
                .list("seeds", "SEED", "1,2,3", "Seeds the runs of a family cycle through.")
                .integer("epochs", 2, "Epochs per run (early stopping never cuts a run shorter).")
                .decimal("train-fraction", 0.5, "Train on the first F of the log in time order.")
                .integer("examples-per-epoch", 3000, "MISSRec training examples per epoch.")
                .integer("synthetic", 2, "CLIP-like modalities added to title and tags (0 = none).")
                .integer("synthetic-dim", 512, "Their dimension.")
                .path("work-dir", null, "Synthetic features, artifacts, run logs (default: a new temp directory).")
                .longInteger("timeout", 900, "Kill a run after N seconds.")
                .renamed("rows");
        StressFeatures.declareDir(command);
        ChildJvm.Settings.declare(command, "3g");
    }

    public static StressOptions parse(CliArgs a) {
        if (a.has("rows")) {
            throw new IllegalArgumentException("--rows is now --examples-per-epoch, the name train uses");
        }
        List<StressFamily> families = a.getList("families").stream().map(StressFamily::of).toList();
        List<Long> seeds = a.getList("seeds").stream().map(Long::parseLong).toList();
        StressOptions o = new StressOptions(families, a.getInt("runs"), seeds, a.getInt("epochs"),
                a.getDouble("train-fraction"), a.getInt("examples-per-epoch"), a.getInt("synthetic"),
                a.getInt("synthetic-dim"), a.getPath("features-dir"), a.getPath("work-dir"),
                ChildJvm.Settings.parse(a), a.getLong("timeout"));
        if (o.runs < 1 || seeds.isEmpty() || families.isEmpty()) {
            throw new IllegalArgumentException("--runs must be positive, --seeds and --families non-empty");
        }
        o.training(); // validates the training options
        return o;
    }

    /** How each run trains. */
    public ShortTraining training() {
        return new ShortTraining(epochs, trainFraction, examplesPerEpoch);
    }

    /** The seed of a family's run {@code i} (0-based). */
    public long seed(int run) {
        return seeds.get(run % seeds.size());
    }
}
