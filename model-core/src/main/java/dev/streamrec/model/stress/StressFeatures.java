package dev.streamrec.model.stress;

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

    static List<Path> prepare(StressOptions o, Path workDir) throws Exception {
        List<Path> files = new ArrayList<>();
        Path title = o.featuresDir().resolve("title.tsv.gz");
        Path tags = o.featuresDir().resolve("tags.tsv.gz");
        if (!Files.exists(title) || !Files.exists(tags)) {
            System.err.println("featurizing MovieLens titles and tags (all-MiniLM-L6-v2, offline) into " + o.featuresDir());
            int code = ModelCli.run("featurize", List.of("--output", o.featuresDir().toString()));
            if (code != 0) {
                throw new IllegalStateException("featurize failed with exit code " + code);
            }
        }
        files.add(title);
        files.add(tags);
        if (o.syntheticModalities() > 0) {
            Path dir = Files.createDirectories(workDir.resolve("features"));
            List<String> items = itemIds();
            ClipLikeFeatures clip = ClipLikeFeatures.defaults(o.syntheticDim());
            for (int k = 1; k <= o.syntheticModalities(); k++) {
                Path f = dir.resolve("clip" + k + ".tsv.gz");
                clip.generate("clip" + k, items, 1000L + k).write(f);
                files.add(f);
            }
        }
        return files;
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
