package dev.streamrec.model.features;

import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.ProgressBar;
import dev.streamrec.model.data.ModalityFeatures;
import dev.streamrec.model.data.MovieLens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code featurize}: item text to 384-d all-MiniLM-L6-v2 vectors, one {@code <modality>.tsv.gz}
 * per modality in the {@link ModalityFeatures} format. MovieLens ({@code --movielens DIR}, default
 * the bundled copy) gives {@code title} and {@code tags}; {@code --items FILE.csv} with columns
 * {@code itemId,text} gives one modality named by {@code --modality} (default {@code text}).
 * {@code --output DIR} (default {@code features}); {@code --batch-size} texts per ONNX call.
 */
public final class FeaturizeCommand {

    private FeaturizeCommand() {}

    /** The command and its options. */
    public static CommandOptions options() {
        return CommandOptions.command("featurize", "Item text to all-MiniLM-L6-v2 feature files, one <modality>.tsv.gz "
                        + "per modality.", FeaturizeCommand::run)
                .path("movielens", null, "MovieLens directory: modalities title and tags (default: the bundled copy).")
                .path("items", null, "Instead: a CSV itemId,text, one modality named by --modality.")
                .text("modality", "text", "NAME", "The modality name of --items.")
                .path("output", Path.of("features"), "Directory of the feature files.")
                .integer("batch-size", 64, "Texts per ONNX call.")
                .examples("streamrec.jar featurize --output features",
                        "streamrec.jar featurize --items books.csv --modality description --output features");
    }

    private static int run(CliArgs args) throws IOException {
        Map<String, Map<String, String>> modalities;
        if (args.has("items")) {
            modalities = new LinkedHashMap<>();
            modalities.put(args.get("modality"), ItemTexts.csv(args.getPath("items")));
        } else {
            MovieLens ml = args.has("movielens")
                    ? MovieLens.inDirectory(args.getPath("movielens"))
                    : MovieLens.bundled();
            modalities = ItemTexts.movieLens(ml);
        }
        Path outDir = args.getPath("output");
        Files.createDirectories(outDir);
        int batch = args.getInt("batch-size");
        TextEmbedder embedder = new TextEmbedder();
        for (Map.Entry<String, Map<String, String>> m : modalities.entrySet()) {
            ModalityFeatures features = embed(m.getKey(), m.getValue(), embedder, batch);
            Path file = outDir.resolve(m.getKey() + ".tsv.gz");
            features.write(file);
            System.out.println("wrote " + file + " (" + features.vectors().size() + " items, dim " + features.dim() + ")");
        }
        return 0;
    }

    /** Embeds one modality's texts in batches with a progress bar. */
    static ModalityFeatures embed(String name, Map<String, String> texts, TextEmbedder embedder, int batch) {
        List<String> ids = new ArrayList<>(texts.keySet());
        Map<String, float[]> vectors = new LinkedHashMap<>();
        ProgressBar bar = new ProgressBar("featurize " + name, ids.size());
        for (int from = 0; from < ids.size(); from += batch) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + batch));
            List<String> chunkTexts = new ArrayList<>(chunk.size());
            chunk.forEach(id -> chunkTexts.add(texts.get(id)));
            float[][] v = embedder.embed(chunkTexts);
            for (int i = 0; i < chunk.size(); i++) {
                vectors.put(chunk.get(i), v[i]);
            }
            bar.update(from + chunk.size(), "");
        }
        bar.finish("");
        return new ModalityFeatures(name, TextEmbedder.DIM, vectors);
    }
}
