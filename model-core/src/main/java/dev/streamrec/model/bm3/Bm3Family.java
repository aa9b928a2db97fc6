package dev.streamrec.model.bm3;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ArtifactWriter;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.ModelFamily;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.InteractionReader;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.data.ModalityFeatures;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.model.serving.Recommender;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The graph family: {@code bm3} (BM3, Zhou et al. WWW 2023), {@code lightgcn} (LightGCN + BPR) and
 * {@code mf-bpr} (MF + BPR, the same code with zero layers). Trains on a per-user 8:1:1 split
 * ({@link Bm3Split}), writes an artifact (config with hyper-parameters and the data it came from,
 * items.txt, users.txt, weights.bin = serving tables), evaluates it again, and serves it
 * ({@link Bm3Recommender}).
 */
public final class Bm3Family implements ModelFamily {

    static final String WEIGHTS = "weights.bin";
    static final String USERS = "users.txt";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Set<String> models() {
        return Set.of("bm3", "mf-bpr", "lightgcn");
    }

    @Override
    public int train(String model, CliArgs args) throws Exception {
        limitThreads();
        Bm3Config config = Bm3Config.fromArgs(model, args);
        String data = args.get("data", "");
        List<String> featurePaths = config.isBm3() ? args.getList("features") : List.of();
        Bm3Split split = Bm3Split.of(interactions(data), config.split().equals("chronological"), config.seed());
        Map<String, float[][]> features = features(featurePaths, split.items());
        System.err.printf(Locale.ROOT, "%s: %d users, %d items, %d train pairs, modalities %s%n", model,
                split.userCount(), split.itemCount(), split.trainPairs(), features.keySet());
        Bm3Trainer.Result r = new Bm3Trainer(config, split, features, System.err).train();
        Path output = args.getPath("output", null);
        if (output == null) {
            throw new IllegalArgumentException("missing required option --output");
        }
        writeArtifact(output, model, args.get("version", "v1"), config, split, r.weights(), data, featurePaths);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model);
        report.put("artifact", output.toString());
        report.put("bestEpoch", r.bestEpoch());
        report.put("epochsRun", r.epochsRun());
        report.put("secondsPerEpoch", r.secondsPerEpoch());
        report.put("peakHeapMb", peakHeapMb());
        report.put("valid", r.valid());
        report.put("test", r.test());
        print(report, args.getBoolean("json", false));
        return 0;
    }

    /** Writes config (hyper-parameters + the data it came from), items, users and serving tables. */
    static ModelArtifact writeArtifact(Path output, String model, String version, Bm3Config config, Bm3Split split,
            Bm3Weights weights, String data, List<String> featurePaths) throws java.io.IOException {
        ObjectNode cfg = ArtifactWriter.newConfig(model, version);
        config.writeTo((ObjectNode) cfg.get("hyperParameters"));
        ObjectNode training = cfg.putObject("training");
        training.put("data", data);
        ArrayNode fs = training.putArray("features");
        featurePaths.forEach(fs::add);
        ArtifactWriter w = new ArtifactWriter(output);
        try {
            return w.config(cfg).items(split.items())
                    .file(USERS, out -> out.write((String.join("\n", split.users()) + "\n").getBytes(StandardCharsets.UTF_8)))
                    .file(WEIGHTS, weights::write)
                    .commit();
        } catch (java.io.IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    @Override
    public int evaluate(ModelArtifact artifact, CliArgs args) throws Exception {
        limitThreads();
        Bm3Config config = config(artifact);
        String data = args.get("data", artifact.config().path("training").path("data").asText(""));
        Bm3Split split = Bm3Split.of(interactions(data), config.split().equals("chronological"), config.seed());
        if (!split.items().ids().equals(artifact.items().ids()) || !split.users().equals(users(artifact))) {
            throw new IllegalArgumentException("the data does not reproduce the artifact's users/items; pass --data");
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", artifact.model());
        report.put("version", artifact.version());
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
                Bm3Scorer scorer = new Bm3Scorer(weights(artifact), m)) {
            report.put("valid", Bm3Evaluation.evaluate(scorer, split, false));
            report.put("test", Bm3Evaluation.evaluate(scorer, split, true));
        }
        print(report, args.getBoolean("json", false));
        return 0;
    }

    @Override
    public Recommender loadRecommender(ModelArtifact artifact, String device) throws Exception {
        config(artifact);
        return new Bm3Recommender(artifact.model(), artifact.version(), weights(artifact), users(artifact),
                artifact.items().ids(), Device.fromName(device));
    }

    /** The artifact's validated config; refuses other models and unknown hyper-parameters. */
    static Bm3Config config(ModelArtifact artifact) {
        Bm3Config c = Bm3Config.from(artifact.config().path("hyperParameters"));
        if (!c.variant().equals(artifact.model())) {
            throw new IllegalArgumentException("artifact model " + artifact.model() + " does not match variant " + c.variant());
        }
        return c;
    }

    static Bm3Weights weights(ModelArtifact artifact) throws java.io.IOException {
        try (var in = artifact.open(WEIGHTS)) {
            return Bm3Weights.read(in);
        }
    }

    static List<String> users(ModelArtifact artifact) throws java.io.IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(artifact.open(USERS), StandardCharsets.UTF_8))) {
            return r.lines().filter(s -> !s.isEmpty()).toList();
        }
    }

    private static List<Interaction> interactions(String data) throws java.io.IOException {
        return data.isEmpty() ? MovieLens.bundled().interactions() : InteractionReader.read(Path.of(data));
    }

    /** Modality tables aligned to item rows 0..N-1; items without a vector get the mean vector (MMRec). */
    static Map<String, float[][]> features(List<String> paths, ItemIndex items) throws java.io.IOException {
        Map<String, float[][]> out = new LinkedHashMap<>();
        for (String p : paths) {
            ModalityFeatures f = ModalityFeatures.read(Path.of(p));
            float[][] aligned = f.alignedTo(items);
            float[] mean = new float[f.dim()];
            List<Integer> missing = new ArrayList<>();
            int present = 0;
            for (int i = 1; i <= items.size(); i++) {
                if (f.get(items.idAt(i)) == null) {
                    missing.add(i);
                } else {
                    present++;
                    for (int k = 0; k < mean.length; k++) {
                        mean[k] += aligned[i][k];
                    }
                }
            }
            for (int k = 0; k < mean.length; k++) {
                mean[k] /= Math.max(1, present);
            }
            for (int i : missing) {
                aligned[i] = mean.clone();
            }
            out.put(f.name(), java.util.Arrays.copyOfRange(aligned, 1, aligned.length));
        }
        return out;
    }

    private static void print(Map<String, Object> report, boolean json) throws Exception {
        if (json) {
            System.out.println(JSON.writeValueAsString(report));
            return;
        }
        for (Map.Entry<String, Object> e : report.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                StringBuilder sb = new StringBuilder();
                m.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %s %.4f", k, (Double) v)));
                System.out.printf("%-16s%s%n", e.getKey(), sb);
            } else {
                System.out.printf("%-16s %s%n", e.getKey(), e.getValue());
            }
        }
    }

    private static double peakHeapMb() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / 1048576.0;
    }

    private static void limitThreads() {
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "2"));
        System.setProperty("ai.djl.pytorch.num_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
    }
}
