package dev.streamrec.model.stress;

import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.MovieLens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The feature files every stress run gets: MovieLens's MiniLM {@code title} and {@code tags}
 * (featurized once into the features directory when missing) and the synthetic CLIP-like
 * {@code clip1..clipK} ({@link ClipLikeFeatures}), written as ordinary feature files so that the
 * trainers read them through the same path as real ones.
 */
final class StressFeatures {

    private StressFeatures() {}

    /** Declares {@code --features-dir}, where the MiniLM files are (or are featurized), on a stress command. */
    static void declareDir(CommandOptions command) {
        command.path("features-dir", Path.of(System.getProperty("user.home"), ".cache", "streamrec", "features"),
                "MiniLM title/tags feature files (featurized there when missing).");
    }

    /**
     * The feature files: title and tags from {@code featuresDir} (featurized there when missing) and
     * {@code synthetic} CLIP-like modalities of dimension {@code syntheticDim}, written under
     * {@code workDir}/features.
     */
    static List<Path> prepare(Path featuresDir, int synthetic, int syntheticDim, Path workDir) throws Exception {
        List<Path> files = files(featuresDir, synthetic, workDir);
        if (!Files.exists(files.get(0)) || !Files.exists(files.get(1))) {
            System.err.println("featurizing MovieLens titles and tags (all-MiniLM-L6-v2, offline) into " + featuresDir);
            int code = ModelCli.run("featurize", List.of("--output", featuresDir.toString()));
            if (code != 0) {
                throw new IllegalStateException("featurize failed with exit code " + code);
            }
        }
        if (synthetic > 0) {
            Files.createDirectories(synthetic(workDir, 1).getParent());
            List<String> items = itemIds();
            ClipLikeFeatures clip = ClipLikeFeatures.defaults(syntheticDim);
            for (int k = 1; k <= synthetic; k++) {
                clip.generate("clip" + k, items, 1000L + k).write(synthetic(workDir, k));
            }
        }
        return files;
    }

    /** The feature files {@link #prepare} makes, without making them: title, tags, then clip1..clipK. */
    static List<Path> files(Path featuresDir, int synthetic, Path workDir) {
        List<Path> files = new ArrayList<>(List.of(featuresDir.resolve("title.tsv.gz"), featuresDir.resolve("tags.tsv.gz")));
        for (int k = 1; k <= synthetic; k++) {
            files.add(synthetic(workDir, k));
        }
        return files;
    }

    private static Path synthetic(Path workDir, int k) {
        return workDir.resolve("features").resolve("clip" + k + ".tsv.gz");
    }

    /** The bundled MovieLens item ids in order of first interaction. */
    private static List<String> itemIds() throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        for (Interaction i : MovieLens.bundled().interactions()) {
            ids.add(i.itemId());
        }
        return new ArrayList<>(ids);
    }
}
