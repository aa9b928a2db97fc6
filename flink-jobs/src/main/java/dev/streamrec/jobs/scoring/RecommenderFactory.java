package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.baseline.BaselineSettings;
import dev.streamrec.model.cli.ModelFamilies;
import dev.streamrec.model.cli.ModelFamily;
import dev.streamrec.model.serving.Recommender;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the configured models inside a task (models are created in {@code open()}, never
 * shipped), each as a {@link ServedModel} under its served name: the online baselines by name,
 * trained models from their verified artifacts, both through the registry ({@link ModelFamilies});
 * with {@code scoring.incremental-inference} a family's incremental recommender where it has one.
 */
public final class RecommenderFactory implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<String> models;
    private final List<String> artifacts;
    private final String device;
    private final long halfLifeMillis;
    private final int cooccurrenceWindow;
    private final int cooccurrenceNeighbours;
    private final boolean incremental;

    public RecommenderFactory(Configuration conf) {
        this.models = new ArrayList<>(conf.get(JobOptions.MODELS));
        this.artifacts = new ArrayList<>(conf.getOptional(JobOptions.ARTIFACTS).orElse(List.of()));
        this.device = conf.get(JobOptions.DEVICE);
        this.halfLifeMillis = conf.get(JobOptions.POPULARITY_HALF_LIFE).toMillis();
        this.cooccurrenceWindow = conf.get(JobOptions.COOCCURRENCE_WINDOW);
        this.cooccurrenceNeighbours = conf.get(JobOptions.COOCCURRENCE_NEIGHBOURS);
        this.incremental = conf.get(JobOptions.INCREMENTAL_INFERENCE);
    }

    /** True for the online baselines, which need no artifact. */
    public static boolean isBaseline(String entry) {
        return ModelFamilies.isBaseline(modelOf(entry));
    }

    /** A models entry is {@code model} or {@code name=model} (a model served under another name). */
    public static String modelOf(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(eq + 1);
    }

    /** The served name of a models entry. */
    public static String nameOf(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }

    private static ServedModel named(String entry, Recommender r) {
        return new ServedModel(nameOf(entry), r);
    }

    private String entryFor(String name) {
        for (String e : models) {
            if (nameOf(e).equals(name)) {
                return e;
            }
        }
        return name;
    }

    public List<String> modelNames() {
        return models;
    }

    /**
     * Creates every configured recommender (trained models take the artifacts in order) and
     * records the artifact descriptor of each trained one.
     */
    public ServingModels create(long now) throws Exception {
        List<ServedModel> out = new ArrayList<>();
        List<ModelDescriptor> descriptors = new ArrayList<>();
        BaselineSettings baselines = new BaselineSettings(halfLifeMillis, cooccurrenceWindow, cooccurrenceNeighbours);
        int nextArtifact = 0;
        try {
            for (String entry : models) {
                String m = modelOf(entry);
                if (ModelFamilies.isBaseline(m)) {
                    out.add(named(entry, ModelFamilies.baseline(m, baselines)));
                    continue;
                }
                if (nextArtifact >= artifacts.size()) {
                    throw new IllegalArgumentException(
                            "model '" + m + "' needs an artifact: set models.artifacts (--artifact DIR)");
                }
                ModelArtifact a = ArtifactFetcher.fetch(artifacts.get(nextArtifact++), null);
                ModelDescriptor d = new ModelDescriptor(nameOf(entry), a.version(), a.dir().toString(), a.sha256());
                out.add(load(a, d));
                descriptors.add(d);
            }
        } catch (Exception e) {
            out.forEach(ServedModel::close);
            throw e;
        }
        ServingModels serving = new ServingModels(out, now);
        descriptors.forEach(d -> serving.record(d, now));
        return serving;
    }

    /** Fetches, verifies and loads the model a descriptor names, served under its name (for hot swaps and restores). */
    public ServedModel load(ModelDescriptor d) throws Exception {
        return load(ArtifactFetcher.fetch(d.uri, d.sha256), d);
    }

    private ServedModel load(ModelArtifact a, ModelDescriptor d) throws Exception {
        String expected = modelOf(entryFor(d.model));
        if (!a.model().equals(expected)) {
            throw new IllegalArgumentException(
                    "artifact " + a.dir() + " holds model '" + a.model() + "', expected '" + expected + "'");
        }
        if (d.version != null && !a.version().equals(d.version)) {
            throw new IllegalArgumentException(
                    "artifact " + a.dir() + " holds version '" + a.version() + "', expected '" + d.version + "'");
        }
        ModelFamily family = ModelFamilies.forModel(a.model());
        Recommender r = incremental ? family.loadIncrementalRecommender(a, device) : family.loadRecommender(a, device);
        if (!r.name().equals(a.model())) {
            r.close();
            throw new IllegalStateException("model family returned '" + r.name() + "' for '" + a.model() + "'");
        }
        return new ServedModel(d.model, r);
    }
}
