package dev.streamrec.jobs.local;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.model.cli.TrainingData;
import dev.streamrec.model.data.TimeCut;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Gives the local mode a trained artifact for every trained model it is asked to serve without one:
 * reuses a cached artifact, else unpacks one shipped in the jar for the same model, data and cut
 * ({@link ShippedArtifacts}: the default run's SASRec), else trains a small one on the bundled
 * MovieLens (with the progress bar of {@code train}), featurizing the item texts first for models
 * that need modality features. The
 * cache lives under {@code ~/.cache/streamrec} (or {@code STREAMREC_CACHE}), one directory per
 * model, dataset and training cut ({@link #cacheName}): with a cut (local mode's default, or
 * {@code --train-fraction F} / {@code --train-until MILLIS}) the artifact is trained only on the
 * events before it, so an artifact trained on everything (or before another cut, or on other data)
 * is never taken for it.
 */
final class ArtifactBootstrap {

    /** Models that learn from modality features, so featurize runs before them. */
    private static final Set<String> NEED_FEATURES = Set.of("kdsr-sasrec", "kdsr-gru4rec", "missrec", "bm3");

    /** Models whose training reads {@code --train-until} ({@code TrainingData}); others would ignore it. */
    private static final Set<String> TIME_CUT = Set.of("sasrec", "gru4rec", "kdsr-sasrec", "kdsr-gru4rec", "popularity",
            "missrec", "bm3", "lightgcn", "mf-bpr");

    private final Path cache;
    private final PrintStream out;

    ArtifactBootstrap(PrintStream out) {
        String env = System.getenv("STREAMREC_CACHE");
        this.cache = env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "streamrec");
        this.out = out;
    }

    /** The artifact directory of a model trained on everything: cached, or trained now. */
    Path artifactFor(String model) throws Exception {
        return artifactFor(model, null, null);
    }

    /**
     * The artifact directory of a model trained on the events of {@code data} (null: the bundled
     * MovieLens) strictly before {@code cut} (null: all of them): cached, or trained now.
     */
    Path artifactFor(String model, TimeCut cut, Path data) throws Exception {
        if (cut != null && !TIME_CUT.contains(model)) {
            throw new IllegalArgumentException("model " + model + " cannot be trained before a time cut yet (only " + TIME_CUT + ")");
        }
        String name = cacheName(model, cut, data);
        Path dir = cache.resolve("artifacts").resolve(name);
        if (Files.exists(dir)) {
            try {
                ModelArtifact.load(dir);
                out.println("Using the cached " + model + " artifact " + dir);
                return dir;
            } catch (Exception unusable) {
                out.println("Cached " + model + " artifact unusable (" + unusable.getMessage() + "): training again");
            }
        }
        if (!Files.exists(dir) && ShippedArtifacts.has(name)) {
            String how = ShippedArtifacts.copy(name, dir).orElseThrow(); // verified as it is committed
            out.println("Using the " + model + " artifact shipped in the jar, trained on the bundled MovieLens"
                    + (cut == null ? "" : " before " + Instant.ofEpochMilli(cut.untilMillis())) + " (copied to " + dir
                    + "); it was trained with: " + how);
            return dir;
        }
        List<String> args = new ArrayList<>(List.of("--model", model, "--output", dir.toString()));
        args.addAll(smallTraining(model));
        if (cut != null) {
            args.addAll(List.of("--" + TrainingData.UNTIL, Long.toString(cut.untilMillis())));
        }
        if (data != null) {
            args.addAll(List.of("--data", data.toString()));
        }
        if (NEED_FEATURES.contains(model)) {
            args.addAll(List.of("--features", features()));
        }
        out.println("No artifact for " + model + ": training a small one on " + (data == null ? "the bundled MovieLens" : data)
                + (cut == null ? "" : " before " + Instant.ofEpochMilli(cut.untilMillis())) + " (cached in " + dir + ")");
        int code = ModelCli.run("train", args);
        if (code != 0) {
            throw new IllegalStateException("training " + model + " failed with exit code " + code);
        }
        return dir;
    }

    /**
     * The cache directory's name: {@code MODEL-local}, plus {@code -data-HASH} for a dataset other
     * than the bundled MovieLens (its absolute path, size and modification time) and
     * {@code -until-MILLIS} for a training cut.
     */
    static String cacheName(String model, TimeCut cut, Path data) throws IOException {
        return model + "-local" + (data == null ? "" : "-data-" + dataKey(data))
                + (cut == null ? "" : "-until-" + cut.untilMillis());
    }

    /** A short hash of where the dataset is and its size and time of change (a directory: of its files). */
    private static String dataKey(Path data) throws IOException {
        StringBuilder id = new StringBuilder(data.toAbsolutePath().normalize().toString());
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(data)) {
            try (Stream<Path> s = Files.list(data)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        } else {
            files.add(data);
        }
        for (Path f : files) {
            id.append('|').append(f.getFileName()).append(':').append(Files.size(f)).append(':')
                    .append(Files.getLastModifiedTime(f).toMillis());
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A wall-clock training budget per model, so that a first run shows its first prediction within
     * about three minutes on two cores (and several trained models within ten): the engine validates
     * every {@code --eval-every} steps and keeps the best weights it saw when the budget ends.
     */
    static List<String> smallTraining(String model) {
        switch (model) {
            case "missrec":
                return List.of("--epochs", "20", "--examples-per-epoch", "10000", "--patience", "3", "--time-budget", "120s");
            case "bm3":
            case "lightgcn":
            case "mf-bpr":
                return List.of("--epochs", "200", "--patience", "5", "--time-budget", "60s");
            case "kdsr-sasrec":
            case "kdsr-gru4rec":
                return List.of("--epochs", "200", "--eval-every", "50", "--patience", "5", "--time-budget", "120s");
            default:
                return List.of("--epochs", "200", "--eval-every", "50", "--patience", "5", "--time-budget", "90s");
        }
    }

    private String features() throws Exception {
        Path dir = cache.resolve("features");
        Path title = dir.resolve("title.tsv.gz");
        Path tags = dir.resolve("tags.tsv.gz");
        if (!Files.exists(title) || !Files.exists(tags)) {
            out.println("Featurizing MovieLens titles and tags with all-MiniLM-L6-v2 (offline) into " + dir);
            int code = ModelCli.run("featurize", List.of("--output", dir.toString()));
            if (code != 0) {
                throw new IllegalStateException("featurize failed with exit code " + code);
            }
        }
        return title + "," + tags;
    }
}
