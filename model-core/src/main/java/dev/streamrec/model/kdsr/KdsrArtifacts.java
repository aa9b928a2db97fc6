package dev.streamrec.model.kdsr;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ArtifactWriter;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.backbone.SequenceScorer;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.train.BatchScorer;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/**
 * The artifact layout of this family. Sequence models: {@code hyperParameters} = the
 * {@link EncoderConfig} only (strictly checked), {@code weights.params} = the backbone's DJL
 * parameters (items + encoder; no KDSR parts), {@code training} = provenance (settings, KDSR
 * config, metrics, per-epoch history; not needed to serve). Popularity: empty
 * {@code hyperParameters} and {@code popularity.tsv} (index, count).
 */
public final class KdsrArtifacts {

    public static final String WEIGHTS = "weights.params";
    public static final String POPULARITY = "popularity.tsv";
    static final Set<String> SEQUENCE_MODELS = Set.of("sasrec", "gru4rec", "kdsr-sasrec", "kdsr-gru4rec");
    static final String POPULARITY_MODEL = "popularity";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KdsrArtifacts() {}

    /** The backbone kind a model name trains ({@code kdsr-sasrec} -> sasrec). */
    static EncoderConfig.Kind backboneOf(String model) {
        return EncoderConfig.Kind.of(model.startsWith("kdsr-") ? model.substring(5) : model);
    }

    public static ModelArtifact writeSequenceModel(Path out, String model, String version, SequenceModelBlock block,
            ItemIndex items, ObjectNode training) throws IOException {
        ObjectNode config = ArtifactWriter.newConfig(model, version);
        block.config().writeTo((ObjectNode) config.get("hyperParameters"));
        config.set("training", training);
        ArtifactWriter w = new ArtifactWriter(out);
        try {
            return w.config(config).items(items)
                    .file(WEIGHTS, o -> block.saveParameters(new DataOutputStream(o)))
                    .commit();
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    public static ModelArtifact writePopularity(Path out, String version, float[] counts, ItemIndex items,
            ObjectNode training) throws IOException {
        ObjectNode config = ArtifactWriter.newConfig(POPULARITY_MODEL, version);
        config.set("training", training);
        ArtifactWriter w = new ArtifactWriter(out);
        try {
            return w.config(config).items(items).file(POPULARITY, o -> {
                Writer wr = new OutputStreamWriter(o, StandardCharsets.UTF_8);
                for (int i = 1; i < counts.length; i++) {
                    wr.write(i + "\t" + (long) counts[i] + "\n");
                }
                wr.flush();
            }).commit();
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    /** A loaded sequence model: the DJL model (owns the native memory) and its backbone. */
    public record LoadedSequenceModel(Model model, SequenceModelBlock block) implements AutoCloseable {
        public SequenceScorer scorer() {
            return SequenceScorer.idOnly(block, model.getNDManager());
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** Validates the config (model, hyper-parameter keys, catalogue size) and loads the backbone on a device. */
    public static LoadedSequenceModel loadSequenceModel(ModelArtifact artifact, Device device) throws ArtifactException {
        String model = artifact.model();
        if (!SEQUENCE_MODELS.contains(model)) {
            throw new ArtifactException("artifact " + artifact.dir() + ": model '" + model + "' is not a sequence model of this family");
        }
        EncoderConfig cfg;
        try {
            cfg = EncoderConfig.readFrom(artifact.config().path("hyperParameters"));
        } catch (IllegalArgumentException e) {
            throw new ArtifactException("artifact " + artifact.dir() + ": " + e.getMessage(), e);
        }
        if (cfg.kind() != backboneOf(model)) {
            throw new ArtifactException("artifact " + artifact.dir() + ": model " + model + " with backbone " + cfg.kind().id());
        }
        if (cfg.numItems() != artifact.items().size()) {
            throw new ArtifactException("artifact " + artifact.dir() + ": numItems " + cfg.numItems()
                    + " does not match items.txt (" + artifact.items().size() + ")");
        }
        Model m = Model.newInstance(model, device);
        try (InputStream in = artifact.open(WEIGHTS)) {
            SequenceModelBlock block = new SequenceModelBlock(cfg);
            block.initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1, cfg.maxLen()));
            block.loadParameters(m.getNDManager(), new DataInputStream(in));
            m.setBlock(block);
            return new LoadedSequenceModel(m, block);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            throw new ArtifactException("artifact " + artifact.dir() + ": cannot load " + WEIGHTS + ": " + e.getMessage(), e);
        }
    }

    /** Loads the popularity counts [N+1]. */
    public static PopularityScorer loadPopularity(ModelArtifact artifact) throws ArtifactException {
        JsonNode hp = artifact.config().path("hyperParameters");
        if (hp.size() != 0) {
            throw new ArtifactException("artifact " + artifact.dir() + ": popularity takes no hyper-parameters, got " + hp);
        }
        float[] counts = new float[artifact.items().size() + 1];
        try (BufferedReader r = new BufferedReader(new InputStreamReader(artifact.open(POPULARITY), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t");
                counts[Integer.parseInt(f[0])] = Float.parseFloat(f[1]);
            }
        } catch (IOException | RuntimeException e) {
            throw new ArtifactException("artifact " + artifact.dir() + ": bad " + POPULARITY, e);
        }
        return new PopularityScorer(counts);
    }

    /** A scorer for any model of this family, and what to close after use. */
    public record LoadedScorer(BatchScorer scorer, AutoCloseable resources) {}

    public static LoadedScorer load(ModelArtifact artifact, Device device) throws ArtifactException {
        if (POPULARITY_MODEL.equals(artifact.model())) {
            return new LoadedScorer(loadPopularity(artifact), () -> {});
        }
        LoadedSequenceModel m = loadSequenceModel(artifact, device);
        return new LoadedScorer(m.scorer(), m);
    }

    static ObjectNode newObject() {
        return JSON.createObjectNode();
    }

    static ObjectMapper json() {
        return JSON;
    }
}
