package dev.streamrec.model.bm3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ArtifactWriter;
import dev.streamrec.model.artifact.ModelArtifact;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads the BM3-family artifact: {@code config.json} (hyper-parameters from
 * {@link Bm3Config}, plus a {@code bm3} block with the data source, split and modalities),
 * {@code items.txt}, {@code graph.txt} (one line per user: id, tab, training item indices) and
 * {@code weights.bin} ({@link NamedMatrices} of {@link Bm3ServingState}).
 */
public final class Bm3ArtifactIO {

    static final String GRAPH = "graph.txt";
    static final String WEIGHTS = "weights.bin";

    private Bm3ArtifactIO() {}

    /** Writes an artifact atomically; {@code info} becomes the config's {@code bm3} block. */
    public static ModelArtifact write(Path target, Bm3ServingState state, String version, ObjectNode info) throws IOException {
        ArtifactWriter w = new ArtifactWriter(target);
        try {
            ObjectNode config = ArtifactWriter.newConfig(state.config().variant(), version);
            config.set("hyperParameters", state.config().toJson());
            config.set("bm3", info);
            w.config(config).items(state.items());
            w.file(GRAPH, out -> {
                Writer wr = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                for (int u = 0; u < state.users().size(); u++) {
                    wr.write(state.users().get(u));
                    wr.write('\t');
                    int[] items = state.userItems()[u];
                    for (int k = 0; k < items.length; k++) {
                        if (k > 0) {
                            wr.write(' ');
                        }
                        wr.write(Integer.toString(items[k]));
                    }
                    wr.write('\n');
                }
                wr.flush();
            });
            w.file(WEIGHTS, out -> NamedMatrices.write(state.matrices(), out));
            return w.commit();
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    /** Reads a verified artifact; refuses unknown variants and hyper-parameters, and inconsistent weights. */
    public static Bm3ServingState read(ModelArtifact artifact) throws ArtifactException {
        Bm3Config config;
        try {
            config = Bm3Config.fromJson(artifact.config().get("hyperParameters"));
        } catch (IllegalArgumentException e) {
            throw new ArtifactException("artifact " + artifact.dir() + ": " + e.getMessage(), e);
        }
        if (!config.variant().equals(artifact.model())) {
            throw new ArtifactException("artifact " + artifact.dir() + ": model " + artifact.model()
                    + " does not match hyper-parameter variant " + config.variant());
        }
        List<String> users = new ArrayList<>();
        List<int[]> graph = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(artifact.open(GRAPH), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    throw new IOException("malformed graph line: " + line);
                }
                users.add(line.substring(0, tab));
                String rest = line.substring(tab + 1).trim();
                graph.add(rest.isEmpty() ? new int[0] : java.util.Arrays.stream(rest.split(" ")).mapToInt(Integer::parseInt).toArray());
            }
            Map<String, float[][]> mats = NamedMatrices.read(artifact.open(WEIGHTS));
            return new Bm3ServingState(config, artifact.items(), users, graph.toArray(new int[0][]), mats);
        } catch (IOException | RuntimeException e) {
            throw new ArtifactException("artifact " + artifact.dir() + ": unusable BM3 weights: " + e.getMessage(), e);
        }
    }

    /** The {@code bm3} block of the config (data source, split, modalities), or an empty node. */
    public static JsonNode info(ModelArtifact artifact) {
        return artifact.config().path("bm3");
    }
}
