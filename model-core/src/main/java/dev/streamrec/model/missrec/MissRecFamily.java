package dev.streamrec.model.missrec;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.EvaluationOptions;
import dev.streamrec.model.cli.MetricsTable;
import dev.streamrec.model.cli.ModelFamily;
import dev.streamrec.model.cli.TrainingData;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.data.ModalityFeatures;
import dev.streamrec.model.data.SequenceDataset;
import dev.streamrec.model.data.TimeCut;
import dev.streamrec.model.serving.Devices;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.train.BatchScorer;
import dev.streamrec.model.train.FullRankingEvaluator;
import dev.streamrec.model.train.TrainingOptions;
import dev.streamrec.model.train.TrainingResult;
import dev.streamrec.model.train.SplitReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The MISSRec family ({@code --model missrec}): {@code pretrain} (contrastive, inductive, on the
 * training part of the split), {@code train} (fine-tuning, parameter-efficient when started from
 * {@code --pretrained}), {@code evaluate}, serving and the streaming fine-tuning round. Data:
 * {@code --data ratings.csv} or the bundled MovieLens; features: {@code --features a.tsv.gz,b.tsv.gz}
 * (modality = file name before the first dot). Evaluation (validation targets of {@code --split loo},
 * protocol, intervals, paired popularity rows) follows {@link EvaluationOptions} (docs/evaluation.md).
 */
public final class MissRecFamily implements ModelFamily {

    static final int[] CUTOFFS = {10, 20};
    private static final String POPULARITY = "popularity";
    private static final String VALIDATION_TARGETS_KEY = "validationTargets";
    /** The global gradient norm MISSRec's training is clipped at by default. */
    static final float CLIP_NORM = 5f;
    /** Pre-training's defaults (the released code: Adam, lr 1e-3, no weight decay); gradients clipped at norm 5. */
    private static final TrainingOptions PRETRAIN = TrainingOptions.of(5, 512, 1e-3f, 5, 42).withClipNorm(CLIP_NORM);
    /** Fine-tuning's defaults. */
    private static final TrainingOptions TRAIN = TrainingOptions.of(30, 256, 1e-3f, 5, 42).withClipNorm(CLIP_NORM);
    /** Cases per evaluation batch ({@code --eval-batch}). */
    static final int EVAL_BATCH = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // 2 cores shared with other work: cap libtorch unless the launcher chose otherwise
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "2");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    @Override
    public Set<String> models() {
        return Set.of(MissRecArtifacts.MODEL);
    }

    @Override
    public void declareTrain(String model, CommandOptions command) {
        declareCommon(command, TRAIN);
        command.text("mode", "transductive", "transductive|inductive",
                        "transductive: ID and feature views; inductive: features only (new items score at once).")
                .path("pretrained", null, "Artifact of a pretrain run to start from (its config is the default of the model options).")
                .flag("freeze", true, "With --pretrained: train the fusion and item views only, not the transformer.");
    }

    @Override
    public void declarePretrain(String model, CommandOptions command) {
        declareCommon(command, PRETRAIN);
    }

    /** The options train and pretrain share, over the stage's optimisation defaults. */
    private static void declareCommon(CommandOptions command, TrainingOptions defaults) {
        TrainingData.declare(command);
        EvaluationOptions.declare(command);
        TrainingOptions.declare(command, defaults);
        command.list("features", "FILE", "Modality feature files (required; modality = file name before the first dot).")
                .required("output", "DIR", "Artifact directory to write.")
                .text("split", "loo", "loo|cold-start", "Leave-one-out, or held-out cold-start items.")
                .decimal("cold-fraction", 0.1, "cold-start split: the part of the items held out.");
        MissRecConfig d = MissRecConfig.defaults(List.of("any"), List.of(1)); // none of these depends on the modalities
        command.text("interest", name(d.interest()), "NAME", "Interest extraction method.")
                .text("fusion", name(d.fusion()), "NAME", "Fusion of the modality views.")
                .text("regularizer", name(d.regularizer()), "NAME", "Interest regulariser.")
                .integer("hidden", d.hidden(), "Hidden size.")
                .integer("heads", d.heads(), "Attention heads.")
                .integer("ffn", d.ffn(), "Feed-forward size.")
                .decimal("dropout", d.dropout(), "Dropout rate.")
                .integer("max-len", d.maxLen(), "The most recent items of a history the encoder reads.")
                .decimal("tau", d.tau(), "Contrastive temperature.")
                .decimal("lambda", d.lambda(), "Weight of the contrastive loss.")
                .decimal("gamma", d.gamma(), "Weight of the interest regulariser.")
                .decimal("interest-ratio", d.interestRatio(), "Interests per history token.")
                .decimal("knn-ratio", d.knnRatio(), "DPC-KNN neighbours, as a part of the tokens.")
                .decimal("kmeans-ratio", d.kmeansRatio(), "k-means clusters, as a part of the tokens.");
        declareDevice(command);
    }

    /** {@code --eval-batch}, {@code --device}, {@code --json}: the options of every MISSRec command. */
    static void declareDevice(CommandOptions command) {
        command.integer("eval-batch", EVAL_BATCH, "Cases per evaluation batch.")
                .text("device", "cpu", "cpu|cuda:N", "Device to train and evaluate on.")
                .flag("json", false, "Print one JSON object instead of the metrics table.");
    }

    @Override
    public void declareEvaluate(CommandOptions command) {
        TrainingData.declare(command);
        EvaluationOptions.declare(command);
        declareDevice(command);
    }

    @Override
    public void declareFineTune(ModelArtifact current, CommandOptions command) {
        MissRecFineTuner.declare(command);
    }

    @Override
    public int pretrain(String model, CliArgs args) throws Exception {
        Prepared p = prepare(args, MissRecConfig.Mode.INDUCTIVE, null);
        TrainingOptions s = TrainingOptions.from(args);
        int evalBatch = args.getInt("eval-batch");
        long t0 = System.nanoTime();
        Map<String, Object> run = runInfo(args, "pretrain", p.cut);
        try (MissRecModel m = MissRecModel.create(p.config, p.features, device(args))) {
            TrainingResult r = MissRecTrainer.pretrain(m, p.split.train, s);
            m.freezeCatalogue();
            run.put("losses", r.epochLosses());
            run.put("training", trainingNode(r));
            run.putAll(SplitReport.of("zeroShotValid", p.evaluator(false, evalBatch).rank(m::scoreAll, p.split.validation),
                    POPULARITY, null));
            run.put("seconds", (System.nanoTime() - t0) / 1e9);
            ModelArtifact a = MissRecArtifacts.write(Path.of(args.require("output")), m, p.data.items(), run);
            run.put("artifact", a.dir().toString());
        }
        report(args, run);
        return 0;
    }

    @Override
    public int train(String model, CliArgs args) throws Exception {
        ModelArtifact pretrained = args.has("pretrained") ? ModelArtifact.load(args.getPath("pretrained")) : null;
        Prepared p = prepare(args, MissRecConfig.parseEnum(MissRecConfig.Mode.class, args.get("mode")),
                pretrained == null ? null : MissRecArtifacts.config(pretrained));
        TrainingOptions s = TrainingOptions.from(args);
        int evalBatch = args.getInt("eval-batch");
        Map<String, Object> run = runInfo(args, "finetune", p.cut);
        try (MissRecModel m = MissRecModel.create(p.config, p.features, device(args))) {
            if (pretrained != null) {
                MissRecArtifacts.loadPretrained(m, pretrained);
                if (args.getBoolean("freeze")) {
                    m.freezeTransformer();
                }
                run.put("pretrained", pretrained.dir().toString());
            }
            run.put("trainableParameters", m.params().count(true));
            run.put("parameters", m.params().count(false));
            TrainingResult r = MissRecTrainer.fineTune(m, p.split.train, p.split.validation, s, evalBatch);
            run.put("bestEpoch", r.bestEpoch());
            run.put("epochs", r.epochs());
            run.put("training", trainingNode(r));
            run.put("seconds", r.seconds());
            putSplits(run, p, m::scoreAll, evalBatch);
            if (p.split.coldStart) {
                int n = p.data.items().size();
                FullRankingEvaluator full = p.evaluator(false, evalBatch);
                run.putAll(SplitReport.of("testPopularity", full.rank(Baselines.popularity(p.split.train, n), p.split.test),
                        POPULARITY, null));
                run.putAll(SplitReport.of("testRandom", full.rank(Baselines.random(n, s.seed()), p.split.test), POPULARITY, null));
                run.put("heldOutItems", p.split.heldOut);
            }
            run.put("testCases", p.split.test.size());
            ModelArtifact a = MissRecArtifacts.write(Path.of(args.require("output")), m, p.data.items(), run);
            run.put("artifact", a.dir().toString());
        }
        report(args, run);
        return 0;
    }

    @Override
    public int evaluate(ModelArtifact artifact, CliArgs args) throws Exception {
        MissRecConfig c = MissRecArtifacts.config(artifact);
        String split = artifact.config().path("run").path("split").asText("loo");
        CliArgs withSplit = Split.options(artifact.config().path("run").path("seed").asLong(42))
                .parse(List.of("--split", split));
        // the training cut recorded at training time (a streaming experiment's "before"), else the options'
        long until = artifact.config().path("run").path("trainUntil").asLong(-1);
        List<Interaction> log = until >= 0 ? new TimeCut(until).before(TrainingData.readAll(args)) : TrainingData.read(args);
        SequenceDataset data = SequenceDataset.of(log, artifact.items());
        // the validation targets the artifact was trained with (artifacts before issue 22: one)
        EvaluationOptions eval = EvaluationOptions.forArtifact(args,
                artifact.config().path("run").path(VALIDATION_TARGETS_KEY).asInt(1));
        Split sp = Split.of(data, withSplit, eval);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("model", MissRecArtifacts.MODEL);
        run.put("artifact", artifact.dir().toString());
        run.put("mode", c.mode().name().toLowerCase(Locale.ROOT));
        run.put("split", split);
        run.putAll(eval.describe());
        try (MissRecModel m = MissRecArtifacts.read(artifact, device(args))) {
            putSplits(run, new Prepared(data, sp, List.of(), c, Optional.empty(), eval), m::scoreAll, 256);
        }
        report(args, run);
        return 0;
    }

    /**
     * Parameter-efficient fine-tuning of a served artifact on a window of recent interactions (the
     * streaming round of issue #7); see {@link MissRecFineTuner} for what is trained, the options and
     * what happens to items without features in the artifact.
     */
    @Override
    public ModelArtifact fineTune(ModelArtifact current, List<Interaction> window, String version, Path output,
            CliArgs options) throws Exception {
        return MissRecFineTuner.fineTune(current, window, version, output, options);
    }

    @Override
    public Recommender loadRecommender(ModelArtifact artifact, String device) throws Exception {
        MissRecModel m = MissRecArtifacts.read(artifact, Devices.available(device));
        return MissRecRecommender.of(m, artifact.items(), artifact.version());
    }

    /** The data, split, features and config of a run. */
    private record Prepared(SequenceDataset data, Split split, List<float[][]> features, MissRecConfig config,
            Optional<TimeCut> cut, EvaluationOptions evaluation) {

        /** An evaluator under the run's protocol (full ranking unless {@code --protocol sampled}). */
        FullRankingEvaluator evaluator(boolean excludeHistory, int batch) {
            return evaluation.evaluator(batch, excludeHistory, data, CUTOFFS);
        }
    }

    /** Train/validation/test of either protocol. */
    private record Split(List<int[]> train, List<LeaveOneOutSplit.Case> validation, List<LeaveOneOutSplit.Case> test,
            boolean coldStart, List<Integer> heldOut) {
        /** The split options alone, with the seed an artifact recorded: to re-split its data. */
        static CommandOptions options(long seed) {
            return CommandOptions.command("split", "The split of an artifact's data.", null)
                    .text("split", "loo", "loo|cold-start", "Leave-one-out, or held-out cold-start items.")
                    .decimal("cold-fraction", 0.1, "cold-start split: the part of the items held out.")
                    .longInteger("seed", seed, "The split's seed.");
        }

        static Split of(SequenceDataset data, CliArgs args, EvaluationOptions evaluation) {
            String kind = args.get("split");
            if (kind.equals("loo")) {
                LeaveOneOutSplit s = evaluation.split(data);
                return new Split(s.train(), s.validation(), s.test(), false, List.of());
            }
            if (kind.equals("cold-start")) {
                ColdStartSplit s = new ColdStartSplit(data, args.getDouble("cold-fraction"), args.getLong("seed"));
                return new Split(s.train(), s.validation(), s.test(), true, s.heldOut().stream().sorted().toList());
            }
            throw new IllegalArgumentException("--split must be loo or cold-start, not " + kind);
        }
    }

    private static Prepared prepare(CliArgs args, MissRecConfig.Mode mode, MissRecConfig pretrained) throws IOException {
        List<Interaction> all = TrainingData.readAll(args);
        Optional<TimeCut> cut = TrainingData.cut(args, all);
        SequenceDataset data = SequenceDataset.of(cut.map(c -> c.before(all)).orElse(all));
        EvaluationOptions evaluation = EvaluationOptions.from(args);
        Split split = Split.of(data, args, evaluation);
        List<String> files = args.getList("features");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--features a.tsv.gz,b.tsv.gz is required");
        }
        List<String> names = new ArrayList<>();
        List<Integer> dims = new ArrayList<>();
        List<float[][]> tables = new ArrayList<>();
        for (String f : files) {
            ModalityFeatures mf = ModalityFeatures.read(Path.of(f));
            names.add(mf.name());
            dims.add(mf.dim());
            tables.add(mf.alignedTo(data.items()));
        }
        MissRecConfig base = pretrained != null ? pretrained : MissRecConfig.defaults(names, dims);
        // the options not given: a --pretrained artifact's config, else MissRecConfig.defaults (also the declared ones)
        MissRecConfig c = new MissRecConfig(mode,
                MissRecConfig.parseEnum(MissRecConfig.InterestMethod.class, given(args, "interest", name(base.interest()))),
                MissRecConfig.parseEnum(MissRecConfig.Fusion.class, given(args, "fusion", name(base.fusion()))),
                MissRecConfig.parseEnum(MissRecConfig.Regularizer.class, given(args, "regularizer", name(base.regularizer()))),
                names, dims, given(args, "hidden", base.hidden()), given(args, "heads", base.heads()),
                given(args, "ffn", base.ffn()), base.encoderLayers(), base.decoderLayers(),
                given(args, "dropout", base.dropout()), given(args, "max-len", base.maxLen()),
                given(args, "tau", base.tau()), given(args, "lambda", base.lambda()), given(args, "gamma", base.gamma()),
                given(args, "interest-ratio", base.interestRatio()), given(args, "knn-ratio", base.knnRatio()),
                given(args, "kmeans-ratio", base.kmeansRatio()), base.itemDropProb(), base.featureDropProb());
        return new Prepared(data, split, tables, c, cut, evaluation);
    }

    private static String given(CliArgs args, String name, String pretrained) {
        return args.has(name) ? args.get(name) : pretrained;
    }

    private static int given(CliArgs args, String name, int pretrained) {
        return args.has(name) ? args.getInt(name) : pretrained;
    }

    private static float given(CliArgs args, String name, float pretrained) {
        return args.has(name) ? (float) args.getDouble(name) : pretrained;
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The engine's account of a run, as the artifact's JSON keeps it. */
    static JsonNode trainingNode(TrainingResult r) {
        ObjectNode node = JSON.createObjectNode();
        r.writeTo(node);
        return node;
    }

    private static Device device(CliArgs args) {
        return Devices.available(args.get("device"));
    }

    private static Map<String, Object> runInfo(CliArgs args, String stage, Optional<TimeCut> cut) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("model", MissRecArtifacts.MODEL);
        run.put("stage", stage);
        cut.ifPresent(c -> run.put("trainUntil", c.untilMillis()));
        run.put("split", args.get("split"));
        run.putAll(EvaluationOptions.from(args).describe());
        run.put("seed", args.getLong("seed"));
        run.put("options", new LinkedHashMap<>(args.options()));
        return run;
    }

    /**
     * Ranks validation ({@code valid}), test and test with the history items removed from the ranking
     * ({@code testExcludingHistory}, a second protocol) with {@code scorer} and with training
     * popularity on the same cases, and puts their {@link SplitReport} entries into {@code run}.
     */
    private static void putSplits(Map<String, Object> run, Prepared p, BatchScorer scorer, int batch) {
        BatchScorer popularity = Baselines.popularity(p.split.train, p.data.items().size());
        FullRankingEvaluator full = p.evaluator(false, batch);
        FullRankingEvaluator excluding = p.evaluator(true, batch);
        run.putAll(SplitReport.of("valid", full.rank(scorer, p.split.validation), POPULARITY,
                full.rank(popularity, p.split.validation)));
        run.putAll(SplitReport.of("test", full.rank(scorer, p.split.test), POPULARITY, full.rank(popularity, p.split.test)));
        run.putAll(SplitReport.of("testExcludingHistory", excluding.rank(scorer, p.split.test), POPULARITY,
                excluding.rank(popularity, p.split.test)));
    }

    /** One JSON object with --json, else a metrics table. */
    private static void report(CliArgs args, Map<String, Object> run) throws IOException {
        if (args.getBoolean("json")) {
            Map<String, Object> printable = new LinkedHashMap<>(run);
            printable.remove("heldOutItems");
            System.out.println(JSON.writeValueAsString(printable));
            return;
        }
        List<String> splits = new ArrayList<>();
        for (Map.Entry<String, Object> e : run.entrySet()) {
            String key = e.getKey();
            if (e.getValue() instanceof Map<?, ?> && !key.equals("options") && !key.endsWith(SplitReport.CI_SUFFIX)
                    && !key.contains(SplitReport.VS)) {
                splits.add(key);
            }
        }
        System.out.printf(Locale.ROOT, "protocol %s  validation targets %s%n", run.get("protocol"), run.get("validationTargets"));
        MetricsTable.print(System.out, JSON.valueToTree(run), splits, POPULARITY);
        for (String key : List.of("bestEpoch", "epochs", "seconds", "trainableParameters", "parameters", "testCases", "artifact")) {
            if (run.containsKey(key)) {
                System.out.printf(Locale.ROOT, "%-27s %s%n", key, run.get(key));
            }
        }
    }
}
