package dev.streamrec.model.kdsr;

import ai.djl.Device;
import ai.djl.Model;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.LossSettings;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.backbone.SequenceScorer;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.ModelFamily;
import dev.streamrec.model.cli.TrainingData;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.data.ModalityFeatures;
import dev.streamrec.model.data.SequenceDataset;
import dev.streamrec.model.data.TimeCut;
import dev.streamrec.model.metrics.MetricAccumulator;
import dev.streamrec.model.serving.Devices;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.train.FullRankingEvaluator;
import dev.streamrec.model.train.TrainingResult;

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
 */
public final class KdsrFamily implements ModelFamily {

    static final int EVAL_BATCH = 256;
    private static final int PROBE_PAIRS = 20_000;
    private static final int CODEBOOK_PAIRS = 100_000;

    @Override
    public Set<String> models() {
        Set<String> all = new TreeSet<>(KdsrArtifacts.SEQUENCE_MODELS);
        all.add(KdsrArtifacts.POPULARITY_MODEL);
        return all;
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
        LeaveOneOutSplit split = new LeaveOneOutSplit(data);
        FullRankingEvaluator evaluator = new FullRankingEvaluator(EVAL_BATCH, run.excludeHistory());
        String version = model + "-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
        ObjectNode report = KdsrArtifacts.newObject();
        report.put("model", model);
        report.put("artifact", run.output().toString());
        report.put("data", args.get("data", "bundled:movielens-latest-small"));
        cut.ifPresent(c -> report.put("trainUntil", c.untilMillis()));
        report.put("trainInteractions", log.size());
        report.put("excludeHistory", run.excludeHistory());
        report.put("seed", run.settings().seed());
        if (model.equals(KdsrArtifacts.POPULARITY_MODEL)) {
            long start = System.nanoTime();
            PopularityScorer pop = PopularityScorer.fromTraining(split.train(), data.items().size());
            MetricAccumulator val = evaluator.evaluate(pop, split.validation());
            MetricAccumulator test = evaluator.evaluate(pop, split.test());
            report.put("bestEpoch", 0);
            report.put("trainSeconds", (System.nanoTime() - start) / 1e9);
            putMetrics(report, "validation", val.asMap());
            putMetrics(report, "test", test.asMap());
            KdsrArtifacts.writePopularity(run.output(), version, pop.counts(), data.items(), report.deepCopy());
            MetricsReport.print(report, args.getBoolean("json", false));
            return 0;
        }
        EncoderConfig encoder = run.encoder().withNumItems(data.items().size());
        List<ModalityFeatures> features = new ArrayList<>();
        for (String f : args.getList("features")) {
            features.add(ModalityFeatures.read(Path.of(f.trim())));
        }
        boolean kdsr = model.startsWith("kdsr-");
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
            MetricAccumulator test = evaluator.evaluate(served, split.test());
            report.put("bestEpoch", result.bestEpoch());
            report.put("trainSeconds", result.secondsToBest());
            report.put("steps", result.steps());
            report.put("skippedSteps", result.skippedSteps());
            report.put("stopReason", result.stopReason());
            putMetrics(report, "validation", result.bestMetrics());
            putMetrics(report, "test", test.asMap());
            ObjectNode provenance = report.deepCopy();
            run.writeTo(provenance, kdsr, encoder.numItems());
            result.writeTo(provenance.putObject("run"));
            KdsrArtifacts.writeSequenceModel(run.output(), model, version, block.backbone(), data.items(), provenance);
            teachers.forEach(ModalityTeacher::close);
        }
        MetricsReport.print(report, args.getBoolean("json", false));
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
        LeaveOneOutSplit split = new LeaveOneOutSplit(data);
        boolean exclude = args.getBoolean("exclude-history",
                artifact.config().path("training").path("excludeHistory").asBoolean(false));
        FullRankingEvaluator evaluator = new FullRankingEvaluator(EVAL_BATCH, exclude);
        KdsrArtifacts.LoadedScorer loaded = KdsrArtifacts.load(artifact, Device.cpu());
        ObjectNode report = KdsrArtifacts.newObject();
        report.put("model", artifact.model());
        report.put("artifact", artifact.dir().toString());
        report.put("version", artifact.version());
        report.put("excludeHistory", exclude);
        report.put("bestEpoch", artifact.config().path("training").path("bestEpoch").asInt(0));
        report.put("trainSeconds", artifact.config().path("training").path("trainSeconds").asDouble(0));
        try (AutoCloseable r = loaded.resources()) {
            putMetrics(report, "validation", evaluator.evaluate(loaded.scorer(), split.validation()).asMap());
            putMetrics(report, "test", evaluator.evaluate(loaded.scorer(), split.test()).asMap());
        }
        MetricsReport.print(report, args.getBoolean("json", false));
        return 0;
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

    private static void putMetrics(ObjectNode report, String name, Map<String, Double> metrics) {
        ObjectNode node = report.putObject(name);
        metrics.forEach(node::put);
    }
}
