package dev.streamrec.model.stress;

import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The options of {@code stress-serving}, with their defaults in one place. The parent hands them on
 * to its serving child ({@link #toArgs}), so both read the same values.
 *
 * @param families the families served (each trained twice, versions a and b)
 * @param seeds the seeds of versions a and b
 * @param training how each version trains (short: quality does not matter)
 * @param duration how long the child serves
 * @param swapEvery how often every family starts loading its other version
 * @param reportEvery how often the child prints a progress line
 * @param batchSize events per scored batch
 * @param k items per answer
 * @param historyLength items kept per user (the request's history)
 * @param upsertEvery a new item's features go to the models every this many batches
 * @param featuresDir where the MiniLM {@code title.tsv.gz} and {@code tags.tsv.gz} are (made there when missing)
 * @param workDir artifacts (reused when present), synthetic features, logs
 * @param children how the child JVMs run: heap, {@code -Xcheck:jni}, {@code System.gc()} every so many ms
 * @param trainTimeoutSeconds a training child still alive after this is killed
 * @param fineTuneEvery how often a fine-tuning round starts in the serving JVM ({@link InJvmFineTuning}); zero for never
 * @param fineTuneWindow how many of the last replayed events a round trains on
 */
public record ServingStressOptions(List<StressFamily> families, List<Long> seeds, ShortTraining training,
        Duration duration, Duration swapEvery, Duration reportEvery, int batchSize, int k, int historyLength,
        int upsertEvery, Path featuresDir, Path workDir, ChildJvm.Settings children, long trainTimeoutSeconds,
        Duration fineTuneEvery, int fineTuneWindow) {

    /** CLIP-like modalities added to title and tags, as {@code stress} adds them by default. */
    static final int SYNTHETIC_MODALITIES = 2;
    static final int SYNTHETIC_DIM = 512;

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    /** Declares the options on {@code command}, with their defaults. */
    public static void declare(CommandOptions command) {
        command.list("families", "FAMILY", StressFamily.servingNames(), "The families to serve.")
                .list("seeds", "SEED", "1,2", "The training seeds of versions a and b.")
                .integer("epochs", 1, "Epochs per version (quality does not matter).")
                .decimal("train-fraction", 0.3, "Train on the first F of the log in time order.")
                .integer("examples-per-epoch", 1000, "MISSRec training examples per epoch.")
                .text("duration", "1h", "TIME", "How long to serve: 90s, 30m, 3h.")
                .text("swap-every", "30s", "TIME", "Every family loads its other version this often, while scoring.")
                .text("report-every", "60s", "TIME", "A progress line this often.")
                .integer("batch-size", 64, "Events per scored batch.")
                .integer("k", 10, "Items per answer.")
                .integer("history", 50, "Items kept per user.")
                .integer("upsert-every", 20, "A new item's features go to the models every N batches (0 = never).")
                .path("work-dir", null, "Artifacts (reused when present), features, logs (default: a new temp directory).")
                .longInteger("train-timeout", 900, "Kill a training after N seconds.")
                .text("fine-tune-every", "0", "TIME", "Also run a streaming fine-tuning round in the serving JVM this "
                        + "often, beside the scoring threads (0 = never; the stream job runs rounds in a child JVM).")
                .integer("fine-tune-window", 2000, "Events (the last replayed) a fine-tuning round trains on.");
        StressFeatures.declareDir(command);
        ChildJvm.Settings.declare(command, "4g");
    }

    public static ServingStressOptions parse(CliArgs a) {
        List<StressFamily> families = a.getList("families").stream().map(StressFamily::of).toList();
        for (StressFamily f : families) {
            if (!f.serves()) {
                throw new IllegalArgumentException(f.id() + " writes no serving artifact; serve one of " + StressFamily.servingNames());
            }
        }
        List<Long> seeds = a.getList("seeds").stream().map(Long::parseLong).toList();
        if (families.isEmpty() || seeds.size() != 2) {
            throw new IllegalArgumentException("--families must be non-empty and --seeds name two seeds (versions a and b)");
        }
        ServingStressOptions o = new ServingStressOptions(families, seeds,
                new ShortTraining(a.getInt("epochs"), a.getDouble("train-fraction"), a.getInt("examples-per-epoch")),
                duration(a.get("duration")), duration(a.get("swap-every")), duration(a.get("report-every")),
                a.getInt("batch-size"), a.getInt("k"), a.getInt("history"), a.getInt("upsert-every"),
                a.getPath("features-dir"), a.getPath("work-dir"), ChildJvm.Settings.parse(a), a.getLong("train-timeout"),
                duration(a.get("fine-tune-every")), a.getInt("fine-tune-window"));
        if (o.batchSize < 1 || o.k < 1 || o.historyLength < 1 || o.upsertEvery < 0 || o.fineTuneWindow < 1) {
            throw new IllegalArgumentException("--batch-size, --k, --history and --fine-tune-window must be positive, "
                    + "--upsert-every not negative");
        }
        if (o.swapEvery.isZero() || o.reportEvery.isZero()) {
            throw new IllegalArgumentException("--swap-every and --report-every must be positive");
        }
        return o;
    }

    /** A time such as {@code 500ms}, {@code 90s}, {@code 30m}, {@code 3h}; a bare number is seconds. */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a time: '" + text + "' (e.g. 90s, 30m, 3h)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The seed of version {@code v} (0 = a, 1 = b). */
    long seed(int version) {
        return seeds.get(version);
    }

    /** These options as a command line {@link #parse} reads back, with {@code workDir} as the work directory. */
    List<String> toArgs(Path workDir) {
        List<String> a = new ArrayList<>(List.of(
                "--families", families.stream().map(StressFamily::id).collect(Collectors.joining(",")),
                "--seeds", seeds.stream().map(String::valueOf).collect(Collectors.joining(",")),
                "--epochs", Integer.toString(training.epochs()),
                "--train-fraction", String.format(Locale.ROOT, "%s", training.trainFraction()),
                "--examples-per-epoch", Integer.toString(training.examplesPerEpoch()),
                "--duration", duration.toMillis() + "ms",
                "--swap-every", swapEvery.toMillis() + "ms",
                "--report-every", reportEvery.toMillis() + "ms",
                "--batch-size", Integer.toString(batchSize),
                "--k", Integer.toString(k),
                "--history", Integer.toString(historyLength),
                "--upsert-every", Integer.toString(upsertEvery),
                "--features-dir", featuresDir.toString(),
                "--work-dir", workDir.toString(),
                "--train-timeout", Long.toString(trainTimeoutSeconds),
                "--fine-tune-every", fineTuneEvery.toMillis() + "ms",
                "--fine-tune-window", Integer.toString(fineTuneWindow)));
        a.addAll(children.toArgs());
        return a;
    }

    /** How long the serving child may live: the duration, plus time to load every model and report. */
    long childTimeoutSeconds() {
        return duration.toSeconds() + Math.max(600, duration.toSeconds() / 10);
    }
}
