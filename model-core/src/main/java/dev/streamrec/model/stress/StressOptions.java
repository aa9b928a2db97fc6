package dev.streamrec.model.stress;

import dev.streamrec.model.cli.CliArgs;

import java.nio.file.Path;
import java.util.Arrays;
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
 * @param xcheckJni run the children with {@code -Xcheck:jni}
 * @param gcEveryMillis each child calls {@code System.gc()} this often (0 = never), so that a Java
 *     buffer a tensor still points to is freed soon after its last reference goes (issue 26)
 * @param heap the children's {@code -Xmx}
 * @param timeoutSeconds a run still alive after this is killed and counted as a timeout
 */
public record StressOptions(List<StressFamily> families, int runs, List<Long> seeds, int epochs, double trainFraction,
        int examplesPerEpoch, int syntheticModalities, int syntheticDim, Path featuresDir, Path workDir, boolean xcheckJni,
        long gcEveryMillis, String heap, long timeoutSeconds) {

    public static final String USAGE = String.join("\n",
            "usage: stress [options]",
            "  --families a,b      " + StressFamily.names() + " (default: all)",
            "  --runs N            runs per family (default 3)",
            "  --seeds a,b,c       seeds the runs cycle through (default 1,2,3)",
            "  --epochs E          epochs per run (default 2)",
            "  --train-fraction F  train on the first F of the log in time order (default 0.5)",
            "  --examples-per-epoch N  MISSRec training examples per epoch (default 3000)",
            "  --synthetic K       CLIP-like modalities added to title and tags (default 2; 0 = none)",
            "  --synthetic-dim D   their dimension (default 512)",
            "  --features-dir DIR  MiniLM title/tags feature files (default ~/.cache/streamrec/features;",
            "                      featurized there when missing)",
            "  --work-dir DIR      synthetic features, artifacts, run logs (default a new temp dir)",
            "  --xcheck-jni        run each child JVM with -Xcheck:jni",
            "  --gc-every MS       System.gc() in each child every MS ms (default 200; 0 = off)",
            "  --heap SIZE         child -Xmx (default 3g)",
            "  --timeout S         kill a run after S seconds (default 900)");

    public static StressOptions parse(CliArgs a) {
        if (a.has("rows")) {
            throw new IllegalArgumentException("--rows is now --examples-per-epoch, the name train uses");
        }
        List<StressFamily> families = a.has("families")
                ? a.getList("families").stream().map(String::trim).map(StressFamily::of).toList()
                : Arrays.asList(StressFamily.values());
        List<Long> seeds = a.has("seeds")
                ? a.getList("seeds").stream().map(String::trim).map(Long::parseLong).toList()
                : List.of(1L, 2L, 3L);
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "streamrec", "features");
        StressOptions o = new StressOptions(families, a.getInt("runs", 3), seeds, a.getInt("epochs", 2),
                a.getDouble("train-fraction", 0.5), a.getInt("examples-per-epoch", 3000), a.getInt("synthetic", 2),
                a.getInt("synthetic-dim", 512), a.getPath("features-dir", cache), a.getPath("work-dir", null),
                a.getBoolean("xcheck-jni", false), a.getLong("gc-every", 200), a.get("heap", "3g"),
                a.getLong("timeout", 900));
        if (o.runs < 1 || o.epochs < 1 || seeds.isEmpty() || families.isEmpty()) {
            throw new IllegalArgumentException("--runs and --epochs must be positive, --seeds and --families non-empty");
        }
        if (o.trainFraction <= 0 || o.trainFraction > 1) {
            throw new IllegalArgumentException("--train-fraction must be in (0, 1]");
        }
        return o;
    }

    /** The seed of a family's run {@code i} (0-based). */
    public long seed(int run) {
        return seeds.get(run % seeds.size());
    }
}
