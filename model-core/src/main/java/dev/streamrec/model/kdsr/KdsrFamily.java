package dev.streamrec.model.kdsr;

import ai.djl.Device;
import ai.djl.Model;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.LossSettings;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.backbone.SequenceScorer;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.EvaluationOptions;
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
import dev.streamrec.model.train.TrainingResult;
import dev.streamrec.model.train.RankedCases;
import dev.streamrec.model.train.SplitReport;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The KDSR family: ID-based sequence encoders (SASRec, GRU4Rec), the same encoders trained with
 * KDSR correlation distillation from frozen modality features ({@code kdsr-sasrec},
 * {@code kdsr-gru4rec}), and the {@code popularity} baseline under the same leave-one-out,
 * full-ranking protocol. Serving always uses the ID backbone alone. {@code train} reads its data
 * through {@link TrainingData}, so {@code --train-until MILLIS} / {@code --train-fraction F} train on
 * the log before a time cut only (streaming experiments: the model never sees the replay's future).
 * The split, the reported protocol and the paired popularity rows follow {@link EvaluationOptions}
 * (docs/evaluation.md).
 */
public final class KdsrFamily implements ModelFamily {

    static final int EVAL_BATCH = 256;
    /** The evaluate option of the job's {@code scoring.incremental-inference}. */
    static final String INCREMENTAL = "incremental-inference";
    private static final int PROBE_PAIRS = 20_000;
    private static final int CODEBOOK_PAIRS = 100_000;

    @Override
    public Set<String> models() {
        Set<String> all = new TreeSet<>(KdsrArtifacts.SEQUENCE_MODELS);
        all.add(KdsrArtifacts.POPULARITY_MODEL);
        return all;
    }

    @Override
    public void declareTrain(String model, CommandOptions command) {
        TrainingData.declare(command);
        TrainingRun.declare(model, command);
        EvaluationOptions.declare(command);
        command.list("features", "FILE", "Modality feature files (see featurize): the teachers of kdsr-*, "
                        + "and correlation probes of the others.")
                .flag("json", false, "Print one JSON object instead of the metrics table.");
    }

    @Override
    public void declareEvaluate(CommandOptions command) {
        TrainingData.declare(command);
        EvaluationOptions.declare(command);
        command.optionalFlag("exclude-history", "Rank without the history's items (default: as the artifact was trained).")
                .flag(INCREMENTAL, false, "Score as the job does with scoring.incremental-inference: the whole history "
                        + "(GRU4Rec: the recurrence over every item; SASRec, rotary positions only: attention over a band "
                        + "of max-len at every layer) instead of the last max-len items re-encoded.")
                .flag("json", false, "Print one JSON object instead of the metrics table.");
    }

    @Override
    public void declareFineTune(ModelArtifact current, CommandOptions command) {
        KdsrFineTuner.declare(command);
    }

    @Override
    public int train(String model, CliArgs args) throws Exception {
        limitThreads();
        TrainingRun run = TrainingRun.parse(model, args);
        List<Interaction> all = TrainingData.readAll(args);
        Optional<TimeCut> cut = TrainingData.cut(args, all);
        List<Interaction> log = cut.map(c -> c.before(all)).orElse(all);
        if (log.isEmpty()) {
            throw new IllegalArgumentException("no interaction before the training cut " + cut.orElseThrow().untilMillis());
        }
        SequenceDataset data = SequenceDataset.of(log);
        EvaluationOptions eval = EvaluationOptions.from(args);
        LeaveOneOutSplit split = eval.split(data);
        // early stopping selects on full ranking whatever the reported protocol
        FullRankingEvaluator evaluator = new FullRankingEvaluator(EVAL_BATCH, run.excludeHistory());
        FullRankingEvaluator reporting = eval.evaluator(EVAL_BATCH, run.excludeHistory(), data);
        String version = model + "-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
        ObjectNode report = KdsrArtifacts.newObject();
        report.put("model", model);
        report.put("artifact", run.output().toString());
        report.put("data", args.has("data") ? args.get("data") : "bundled:movielens-latest-small");
        cut.ifPresent(c -> report.put("trainUntil", c.untilMillis()));
        report.put("trainInteractions", log.size());
        report.put("excludeHistory", run.excludeHistory());
        report.put("seed", run.settings().seed());
        putAll(report, eval.describe());
        report.put("validationCases", split.validation().size());
        report.put("testCases", split.test().size());
        PopularityScorer pop = PopularityScorer.fromTraining(split.train(), data.items().size());
        if (model.equals(KdsrArtifacts.POPULARITY_MODEL)) {
            long start = System.nanoTime();
            report.put("bestEpoch", 0);
            putSplits(report, reporting, pop, null, split);
            report.put("trainSeconds", (System.nanoTime() - start) / 1e9);
            KdsrArtifacts.writePopularity(run.output(), version, pop.counts(), data.items(), report.deepCopy());
            MetricsReport.print(report, args.getBoolean("json"));
            return 0;
        }
        EncoderConfig encoder = run.encoder().withNumItems(data.items().size());
        List<ModalityFeatures> features = new ArrayList<>();
        for (String f : args.getList("features")) {
            features.add(ModalityFeatures.read(Path.of(f.trim())));
        }
        boolean kdsr = TrainingRun.distils(model);
        if (kdsr && features.isEmpty()) {
            throw new IllegalArgumentException(model + " needs --features a.tsv.gz[,b.tsv.gz] (see the featurize command)");
        }
        List<Integer> seen = seenItems(split.train());
        Map<String, ModalityCorrelationProbe> probes = new LinkedHashMap<>();
        List<float[][]> aligned = new ArrayList<>();
        for (ModalityFeatures f : features) {
            float[][] table = f.alignedTo(data.items());
            aligned.add(table);
            probes.put(f.name(), new ModalityCorrelationProbe(table, seen, PROBE_PAIRS, run.settings().seed()));
        }
        try (Model djl = Model.newInstance(model, Device.cpu())) {
            List<ModalityTeacher> teachers = new ArrayList<>();
            if (kdsr) {
                for (int m = 0; m < features.size(); m++) {
                    System.err.println("teacher " + features.get(m).name() + ": denoising AE " + aligned.get(m)[0].length + " -> " + encoder.dim());
                    float[][] codes = DenoisingAutoencoder.fitAndEncode(aligned.get(m), encoder.dim(),
                            run.kdsr().aeNoise(), run.kdsr().aeEpochs(), run.settings().seed() + m);
                    CorrelationCodebook book = CorrelationCodebook.fit(codes, run.kdsr().codebookD(), run.kdsr().codebookK(),
                            CODEBOOK_PAIRS, run.settings().seed() + m);
                    teachers.add(new ModalityTeacher(features.get(m).name(), codes, book, run.kdsr().codebookD(), djl.getNDManager()));
                }
            }
            LossSettings loss = run.loss(encoder.numItems());
            KdsrTrainingBlock block = new KdsrTrainingBlock(new SequenceModelBlock(encoder), teachers, run.kdsr(), loss.loss(),
                    run.settings().seed());
            TrainingResult result = SequenceTrainer.fit(djl, block, split, run.settings(), loss, run.kdsr(), probes, evaluator);
            SequenceTrainer.materialise(block, djl.getNDManager());
            SequenceScorer served = SequenceScorer.idOnly(block.backbone(), djl.getNDManager());
            report.put("bestEpoch", result.bestEpoch());
            report.put("trainSeconds", result.secondsToBest());
            report.put("steps", result.steps());
            report.put("skippedSteps", result.skippedSteps());
            report.put("stopReason", result.stopReason());
            // the best validation's weights, re-ranked under the reported protocol next to popularity
            putSplits(report, reporting, served, pop, split);
            ObjectNode provenance = report.deepCopy();
            run.writeTo(provenance, kdsr, encoder.numItems());
            result.writeTo(provenance.putObject("run"));
            KdsrArtifacts.writeSequenceModel(run.output(), model, version, block.backbone(), data.items(), provenance);
            teachers.forEach(ModalityTeacher::close);
        }
        MetricsReport.print(report, args.getBoolean("json"));
        return 0;
    }

    @Override
    public int evaluate(ModelArtifact artifact, CliArgs args) throws Exception {
        limitThreads();
        SequenceDataset data = SequenceDataset.of(TrainingData.read(args), ModelArtifact.load(artifact.dir()).items());
        if (data.items().size() != artifact.items().size()) {
            throw new IllegalArgumentException("the data has " + (data.items().size() - artifact.items().size())
                    + " items the artifact does not know; evaluate on the data it was trained on (--data)");
        }
        // the split the artifact was trained on (artifacts before issue 22: one validation target)
        JsonNode training = artifact.config().path("training");
        EvaluationOptions eval = EvaluationOptions.forArtifact(args, training.path("validationTargets").asInt(1));
        LeaveOneOutSplit split = eval.split(data);
        boolean exclude = args.has("exclude-history") ? args.getBoolean("exclude-history")
                : training.path("excludeHistory").asBoolean(false);
        boolean incremental = args.getBoolean(INCREMENTAL);
        KdsrArtifacts.LoadedScorer loaded = incremental ? wholeHistory(artifact) : KdsrArtifacts.load(artifact, Device.cpu());
        ObjectNode report = KdsrArtifacts.newObject();
        report.put("model", artifact.model());
        if (incremental) {
            report.put("history", "whole, as served with incremental inference");
        }
        report.put("artifact", artifact.dir().toString());
        report.put("version", artifact.version());
        report.put("excludeHistory", exclude);
        putAll(report, eval.describe());
        report.put("validationCases", split.validation().size());
        report.put("testCases", split.test().size());
        report.put("bestEpoch", training.path("bestEpoch").asInt(0));
        report.put("trainSeconds", training.path("trainSeconds").asDouble(0));
        PopularityScorer pop = artifact.model().equals(KdsrArtifacts.POPULARITY_MODEL) ? null
                : PopularityScorer.fromTraining(split.train(), data.items().size());
        try (AutoCloseable r = loaded.resources()) {
            putSplits(report, eval.evaluator(EVAL_BATCH, exclude, data), loaded.scorer(), pop, split);
        }
        MetricsReport.print(report, args.getBoolean("json"));
        return 0;
    }

    /** The scorer of whole histories as incremental inference serves them ({@link IncrementalSequenceRecommender}). */
    private static KdsrArtifacts.LoadedScorer wholeHistory(ModelArtifact artifact) throws ArtifactException {
        IncrementalSequenceRecommender<?> served = IncrementalSequenceRecommender.load(artifact, Device.cpu(),
                CacheEncoding.DEFAULT);
        return new KdsrArtifacts.LoadedScorer(served.wholeHistoryScorer(), served);
    }

    /**
     * Ranks the validation and test cases with {@code scorer} and, when given, {@code popularity} on
     * the same cases, and puts the {@link SplitReport} entries of both splits into {@code report}.
     */
    private static void putSplits(ObjectNode report, FullRankingEvaluator evaluator, BatchScorer scorer,
            PopularityScorer popularity, LeaveOneOutSplit split) {
        for (String name : List.of("validation", "test")) {
            List<LeaveOneOutSplit.Case> cases = name.equals("test") ? split.test() : split.validation();
            RankedCases ranked = evaluator.rank(scorer, cases);
            RankedCases baseline = popularity == null ? null : evaluator.rank(popularity, cases);
            putAll(report, SplitReport.of(name, ranked, KdsrArtifacts.POPULARITY_MODEL, baseline));
        }
    }

    private static void putAll(ObjectNode report, Map<String, Object> entries) {
        report.setAll((ObjectNode) KdsrArtifacts.json().valueToTree(entries));
    }

    @Override
    public ModelArtifact fineTune(ModelArtifact current, List<Interaction> window, String version, Path output,
            CliArgs options) throws Exception {
        if (!KdsrArtifacts.SEQUENCE_MODELS.contains(current.model())) {
            return ModelFamily.super.fineTune(current, window, version, output, options);
        }
        return KdsrFineTuner.fineTune(current, window, version, output, options);
    }

    @Override
    public Recommender loadRecommender(ModelArtifact artifact, String device) throws Exception {
        KdsrArtifacts.LoadedScorer loaded = KdsrArtifacts.load(artifact, Devices.available(device));
        return new TopKRecommender(artifact.model(), artifact.version(), artifact.items(), loaded.scorer(), loaded.resources());
    }

    /**
     * GRU4Rec backbones (gru4rec, kdsr-gru4rec) carry each user's GRU state and SASRec backbones
     * with rotary positions each user's key/value cache ({@link IncrementalSequenceRecommender},
     * caches stored in {@link CacheEncoding#DEFAULT}); SASRec backbones with learned positions, whose
     * position embeddings change with every event, serve as {@link #loadRecommender} (re-encoding
     * the window), as does popularity.
     */
    @Override
    public Recommender loadIncrementalRecommender(ModelArtifact artifact, String device) throws Exception {
        boolean gru4rec = artifact.model().endsWith("gru4rec");
        boolean rotarySasRec = artifact.model().endsWith("sasrec") && EncoderConfig.readFrom(
                artifact.config().path("hyperParameters")).positions() == EncoderConfig.Positions.ROTARY;
        if (gru4rec || rotarySasRec) {
            return IncrementalSequenceRecommender.load(artifact, Devices.available(device), CacheEncoding.DEFAULT);
        }
        return loadRecommender(artifact, device);
    }

    /** Caps libtorch at two threads unless the caller chose otherwise (the machines are shared). */
    static void limitThreads() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "2");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    private static List<Integer> seenItems(List<int[]> train) {
        TreeSet<Integer> seen = new TreeSet<>();
        for (int[] s : train) {
            for (int i : s) {
                seen.add(i);
            }
        }
        return new ArrayList<>(seen);
    }
}
