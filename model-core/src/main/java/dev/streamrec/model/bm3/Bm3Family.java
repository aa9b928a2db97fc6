package dev.streamrec.model.bm3;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.MetricsTable;
import dev.streamrec.model.cli.ModelFamily;
import dev.streamrec.model.cli.TrainingData;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.InteractionReader;
import dev.streamrec.model.data.ModalityFeatures;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.model.data.TimeCut;
import dev.streamrec.model.serving.Devices;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.train.TrainingOptions;
import dev.streamrec.model.train.SplitReport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The BM3 family: {@code bm3} (BM3, Zhou et al., WWW'23) and its baselines {@code lightgcn} and
 * {@code mf-bpr}, on the BM3 protocol (per-user random 8:1:1 or chronological split, full ranking
 * with training items masked, multi-target Recall/NDCG@{10,20}, early stopping on validation
 * Recall@20). Options: {@code --data ratings.csv} (default: bundled MovieLens), {@code --features
 * a.tsv.gz,b.tsv.gz} (BM3; modality = file name before the first dot), {@code --split},
 * {@code --seed}, {@code --epochs}, {@code --patience}, {@code --emb}, {@code --layers},
 * {@code --dropout}, {@code --reg}, {@code --cl-weight}, {@code --lr}, {@code --batch},
 * {@code --train-features}, {@code --output DIR}, {@code --json}.
 */
public final class Bm3Family implements ModelFamily {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUNDLED = "movielens-bundled";
    private static final String POPULARITY = "popularity";

    @Override
    public Set<String> models() {
        return Set.of(Bm3Config.BM3, Bm3Config.MF_BPR, Bm3Config.LIGHTGCN);
    }

    @Override
    public void declareTrain(String model, CommandOptions command) {
        command.path("data", null, "Interactions CSV, userId,itemId,timestamp[,value] (default: the bundled MovieLens).");
        TrainingData.declareCut(command);
        declareConfig(model, command);
        command.text("split", "random", "random|chronological", "Per-user 8:1:1 split: random, or chronological.")
                .required("output", "DIR", "Artifact directory to write.")
                .flag("json", false, "Print one JSON object instead of the metrics table.");
        if (Bm3Config.BM3.equals(model)) {
            command.list("features", "FILE", "Modality feature files (modality = file name before the first dot).");
        }
    }

    @Override
    public void declareEvaluate(CommandOptions command) {
        command.path("data", null, "The data the artifact was trained on (default: the one it recorded).")
                .flag("json", false, "Print one JSON object instead of the metrics table.");
    }

    @Override
    public void declareFineTune(ModelArtifact current, CommandOptions command) {
        Bm3FineTuner.declare(Bm3Config.fromJson(current.config().get("hyperParameters")), command);
    }

    /** Declares the options of {@link #configFrom}, with the variant's defaults. */
    static void declareConfig(String model, CommandOptions command) {
        Bm3Config d = Bm3Config.defaults(model);
        TrainingOptions.declare(command, d.trainingOptions());
        command.integer("emb", d.embDim(), "Embedding size.")
                .integer("layers", d.layers(), "Graph convolution layers.")
                .decimal("dropout", d.dropout(), "Dropout rate of the contrastive views.")
                .decimal("reg", d.regWeight(), "L2 regularisation weight.")
                .decimal("cl-weight", d.clWeight(), "Weight of the contrastive losses.")
                .flag("train-features", d.trainFeatures(), "Learn the modality projections (BM3).");
    }

    /** The defaults of a variant overridden by the command line (the budget through {@link TrainingOptions}). */
    static Bm3Config configFrom(String model, CliArgs a) {
        TrainingOptions o = TrainingOptions.from(a);
        return new Bm3Config(
                model,
                a.getInt("emb"),
                a.getInt("layers"),
                a.getDouble("dropout"),
                a.getDouble("reg"),
                a.getDouble("cl-weight"),
                o.learningRate(),
                o.batchSize(),
                o.epochs(),
                o.patience(),
                o.seed(),
                a.getBoolean("train-features"));
    }

    /**
     * libtorch intra-op threads: 1 unless set. On the shared 2-core machines 2 spinning OpenMP
     * threads made small ops ~100x slower under contention (measured; see docs/results-bm3.md).
     */
    static void limitThreads() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    static List<Interaction> readData(String source) throws IOException {
        return BUNDLED.equals(source) ? MovieLens.bundled().interactions() : InteractionReader.read(Path.of(source));
    }

    @Override
    public int train(String model, CliArgs args) throws Exception {
        limitThreads();
        Bm3Config config = configFrom(model, args);
        String source = args.has("data") ? args.getPath("data").toAbsolutePath().toString() : BUNDLED;
        String splitMode = args.get("split");
        List<Interaction> all = readData(source);
        // a streaming experiment's "before": --train-until / --train-fraction (TrainingData), recorded below
        Optional<TimeCut> cut = TrainingData.cut(args, all);
        UserItemSplit split = UserItemSplit.of(cut.map(c -> c.before(all)).orElse(all),
                UserItemSplit.Mode.parse(splitMode), config.seed());
        Map<String, float[][]> features = new LinkedHashMap<>();
        ArrayNode modalityInfo = JSON.createArrayNode();
        if (config.isBm3()) {
            for (String f : args.getList("features")) {
                ModalityFeatures mf = ModalityFeatures.read(Path.of(f));
                features.put(mf.name(), mf.alignedTo(split.items()));
                long covered = split.items().ids().stream().filter(id -> mf.get(id) != null).count();
                modalityInfo.addObject().put("name", mf.name()).put("dim", mf.dim()).put("file", f).put("coveredItems", covered);
            }
        }
        Path output = Path.of(args.require("output"));
        System.err.printf(Locale.ROOT, "%s: %d users, %d items, %d train / %d valid / %d test interactions, modalities %s%n",
                model, split.users().size(), split.items().size(), split.trainSize(), count(split.valid()),
                count(split.test()), features.keySet());
        Engine.getInstance().setRandomSeed((int) config.seed());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            InteractionGraph graph = new InteractionGraph(split.users().size(), split.items().size() + 1, split.train());
            Bm3Trainer.Result result;
            Bm3ServingState state;
            try (Bm3Model m = new Bm3Model(config, graph, features, manager)) {
                result = new Bm3Trainer(config, TrainingOptions.from(args)).train(m, split, manager);
                state = Bm3ServingState.fromModel(m, split.items(), split.users(), split.train());
            }
            ObjectNode info = JSON.createObjectNode();
            info.put("data", source).put("split", splitMode);
            cut.ifPresent(c -> info.put("trainUntil", c.untilMillis()));
            info.set("modalities", modalityInfo);
            info.put("bestEpoch", result.bestEpoch()).put("epochsRun", result.epochsRun())
                    .put("secondsPerEpoch", result.secondsPerEpoch()).put("peakRssMiB", peakRssMiB());
            putSplit(info, "validation", result.validation(), popularity(split, split.valid()));
            putSplit(info, "test", result.test(), popularity(split, split.test()));
            result.run().writeTo(info.putObject("run"));
            String version = model + "-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);
            Bm3ArtifactIO.write(output, state, version, info);
            print(model, info, args.getBoolean("json"));
        }
        return 0;
    }

    @Override
    public int evaluate(ModelArtifact artifact, CliArgs args) throws Exception {
        limitThreads();
        Bm3ServingState state = Bm3ArtifactIO.read(artifact);
        JsonNode info = Bm3ArtifactIO.info(artifact);
        if (info.has("fineTunedFrom")) {
            throw new ArtifactException("artifact " + artifact.dir() + " was fine-tuned on a stream window (from "
                    + info.path("fineTunedFrom").asText() + "); it has no reproducible split to evaluate on");
        }
        String source = args.has("data") ? args.get("data") : info.path("data").asText(BUNDLED);
        List<Interaction> log = readData(source);
        if (info.has("trainUntil")) {
            log = new TimeCut(info.path("trainUntil").asLong()).before(log);
        }
        UserItemSplit split = UserItemSplit.of(log,
                UserItemSplit.Mode.parse(info.path("split").asText("random")), state.config().seed());
        if (!split.items().ids().equals(state.items().ids()) || !split.users().equals(state.users())
                || !Arrays.deepEquals(split.train(), state.userItems())) {
            throw new ArtifactException("artifact " + artifact.dir() + ": data " + source
                    + " does not reproduce the artifact's training graph");
        }
        MultiTargetMetrics valid = evaluate(state, split.valid());
        MultiTargetMetrics test = evaluate(state, split.test());
        ObjectNode out = JSON.createObjectNode();
        out.put("bestEpoch", info.path("bestEpoch").asInt());
        putSplit(out, "validation", valid, popularity(split, split.valid()));
        putSplit(out, "test", test, popularity(split, split.test()));
        print(artifact.model(), out, args.getBoolean("json"));
        return 0;
    }

    /** Full-ranking metrics of a serving state: user vectors recomputed from E_u and the training graph. */
    static MultiTargetMetrics evaluate(Bm3ServingState state, int[][] targets) {
        int d = state.config().embDim();
        float[][] items = state.itemScores();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            float[] flat = new float[items.length * d];
            for (int i = 0; i < items.length; i++) {
                System.arraycopy(items[i], 0, flat, i * d, d);
            }
            NDArray itemsT = manager.create(flat, new Shape(items.length, d)).transpose(); // (d, N+1)
            return new Bm3Evaluator(Bm3Evaluator.chunkFor(items.length, 512)).evaluate((from, to) -> {
                float[] users = new float[(to - from) * d];
                for (int u = from; u < to; u++) {
                    System.arraycopy(state.userVector(state.userEmbedding(u), state.userItems()[u], null), 0, users, (u - from) * d, d);
                }
                try (NDArray u = manager.create(users, new Shape(to - from, d)); NDArray s = u.matMul(itemsT)) { // (b, N+1)
                    return Bm3ServingState.toMatrix(s);
                }
            }, state.userItems(), targets);
        }
    }

    /** Continued training on a window of recent interactions; see {@link Bm3FineTuner}. */
    @Override
    public ModelArtifact fineTune(ModelArtifact current, List<Interaction> window, String version, Path output,
            CliArgs options) throws Exception {
        return Bm3FineTuner.fineTune(current, window, version, output, options);
    }

    @Override
    public Recommender loadRecommender(ModelArtifact artifact, String device) throws Exception {
        limitThreads();
        return new Bm3Recommender(Bm3ArtifactIO.read(artifact), artifact.version(), Devices.available(device));
    }

    private static long count(int[][] lists) {
        long n = 0;
        for (int[] l : lists) {
            n += l.length;
        }
        return n;
    }

    /**
     * {@code split} = the means, {@code <split>Ci95} = their 95% half-widths and
     * {@code <split>VsPopularity} = the paired tests over users against {@code popularity}, as
     * {@link SplitReport} lays them out.
     */
    private static void putSplit(ObjectNode out, String split, MultiTargetMetrics metrics, MultiTargetMetrics popularity) {
        ObjectNode means = out.putObject(split);
        ObjectNode halfWidths = out.putObject(split + SplitReport.CI_SUFFIX);
        metrics.intervals().forEach((name, ci) -> {
            means.put(name, ci.mean());
            halfWidths.put(name, ci.halfWidth());
        });
        out.set(SplitReport.comparisonKey(split, POPULARITY), JSON.valueToTree(SplitReport.tests(metrics.against(popularity))));
    }

    /**
     * Training popularity under the BM3 protocol, the paired tests' baseline: every user scores an
     * item by its number of training interactions, training items masked, same targets.
     */
    static MultiTargetMetrics popularity(UserItemSplit split, int[][] targets) {
        float[] counts = new float[split.items().size() + 1];
        for (int[] items : split.train()) {
            for (int i : items) {
                counts[i]++;
            }
        }
        return new Bm3Evaluator(Bm3Evaluator.chunkFor(counts.length, 512)).evaluate((from, to) -> {
            float[][] rows = new float[to - from][];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = counts.clone();
            }
            return rows;
        }, split.train(), targets);
    }

    /** Peak resident memory of this process (VmHWM), or -1 where /proc is unavailable. */
    static long peakRssMiB() {
        long kib = Bm3MemoryBenchmark.status("VmHWM:");
        return kib < 0 ? -1 : kib >> 10;
    }

    private static void print(String model, JsonNode out, boolean json) throws IOException {
        if (json) {
            ObjectNode o = JSON.createObjectNode();
            o.put("model", model);
            o.setAll((ObjectNode) out);
            System.out.println(JSON.writeValueAsString(o));
            return;
        }
        System.out.println(model);
        MetricsTable.print(System.out, out, List.of("validation", "test"), POPULARITY);
        if (out.has("secondsPerEpoch")) {
            System.out.printf(Locale.ROOT, "best epoch %d of %d, %.2f s/epoch, peak RSS %d MiB%n", out.path("bestEpoch").asInt(),
                    out.path("epochsRun").asInt(), out.path("secondsPerEpoch").asDouble(), out.path("peakRssMiB").asLong());
        }
    }
}
