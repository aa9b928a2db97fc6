package dev.streamrec.model.kdsr;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.streamrec.model.backbone.LossSettings;
import dev.streamrec.model.backbone.NegativeSampler;
import dev.streamrec.model.backbone.NextItemLoss;
import dev.streamrec.model.backbone.SequenceScorer;
import dev.streamrec.model.backbone.TrainingWindows;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.metrics.MetricAccumulator;
import dev.streamrec.model.train.AdamW;
import dev.streamrec.model.train.FullRankingEvaluator;
import dev.streamrec.model.train.TensorWrites;
import dev.streamrec.model.train.TrainingEngine;
import dev.streamrec.model.train.TrainingOptions;
import dev.streamrec.model.train.TrainingResult;
import dev.streamrec.model.train.TrainingTask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Trains a {@link KdsrTrainingBlock} (plain backbone when it has no modality) with the
 * {@link TrainingEngine}: each training window of {@link TrainingWindows} is an example; the loss is
 * the block's (recommendation plus, with modalities, the holistic and dissected correlation
 * losses); the modality tables learn at {@code asyncFactor} of the rate when KDSR's asynchronous
 * schedule is on; each validation is NDCG@10 over the split's validation cases (never the test
 * cases) with the modality correlations and the loss parts since the previous validation.
 * Deterministic for a seed on one device.
 */
public final class SequenceTrainer {

    private SequenceTrainer() {}

    /**
     * Trains in place and returns the engine's result; the block ends with the best validation's
     * weights. {@code loss} must be the block's loss kind; its negatives are drawn from its sampler
     * over the training sequences.
     */
    public static TrainingResult fit(Model model, KdsrTrainingBlock block, LeaveOneOutSplit split, TrainingOptions options,
            LossSettings loss, KdsrConfig kdsr, Map<String, ModalityCorrelationProbe> probes,
            FullRankingEvaluator evaluator) {
        Engine.getInstance().setRandomSeed((int) options.seed());
        model.setBlock(block);
        int maxLen = block.backbone().config().maxLen();
        DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.l2Loss())
                .optDevices(new Device[] {model.getNDManager().getDevice()});
        try (Trainer trainer = model.newTrainer(cfg)) {
            trainer.initialize(new Shape(options.batchSize(), maxLen), new Shape(options.batchSize(), maxLen));
            block.initialiseModalityTables();
            NegativeSampler sampler = loss.sampled()
                    ? NegativeSampler.of(loss, split.train(), block.backbone().config().numItems(), options.seed())
                    : null;
            TrainingWindows windows = new TrainingWindows(split.train(), maxLen, !block.backbone().readsPadding());
            Task task = new Task(trainer, block, windows, split, loss, sampler, kdsr, probes, evaluator);
            String name = block.students().isEmpty() ? block.backbone().config().kind().name().toLowerCase(Locale.ROOT)
                    : "kdsr-" + block.backbone().config().kind().name().toLowerCase(Locale.ROOT);
            return new TrainingEngine(name, options).run(task);
        }
    }

    /** The KDSR training task: windows as examples, the block's loss, validation NDCG@10. */
    private static final class Task implements TrainingTask {
        private final Trainer trainer;
        private final KdsrTrainingBlock block;
        private final TrainingWindows windows;
        private final LeaveOneOutSplit split;
        private final LossSettings loss;
        private final NegativeSampler sampler;
        private final Map<String, ModalityCorrelationProbe> probes;
        private final FullRankingEvaluator evaluator;
        private final List<AdamW.Trainable> parameters = new ArrayList<>();
        private final double[] partSums = new double[3];
        private int partCount;

        Task(Trainer trainer, KdsrTrainingBlock block, TrainingWindows windows, LeaveOneOutSplit split, LossSettings loss,
                NegativeSampler sampler, KdsrConfig kdsr, Map<String, ModalityCorrelationProbe> probes,
                FullRankingEvaluator evaluator) {
            this.trainer = trainer;
            this.block = block;
            this.windows = windows;
            this.split = split;
            this.loss = loss;
            this.sampler = sampler;
            this.probes = probes;
            this.evaluator = evaluator;
            Set<String> slow = new HashSet<>();
            if (kdsr.async()) {
                block.students().forEach(st -> slow.add(st.tableParameter().getId()));
            }
            float slowFactor = (float) kdsr.asyncFactor();
            for (Pair<String, Parameter> p : block.getParameters()) {
                Parameter param = p.getValue();
                if (param.requiresGradient()) {
                    parameters.add(new AdamW.Trainable(param.getArray(), slow.contains(param.getId()) ? slowFactor : 1f));
                }
            }
        }

        @Override
        public int examples() {
            return windows.size();
        }

        @Override
        public int[] exampleLengths() {
            return windows.lengths();
        }

        @Override
        public List<AdamW.Trainable> parameters() {
            return parameters;
        }

        @Override
        public float forwardBackward(int[] batch, Random random) {
            NDManager manager = trainer.getManager();
            TrainingWindows.Batch b = windows.batch(batch);
            int maxLen = b.maxLen();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDList inputs = new NDList(
                        manager.create(b.inputs(), new Shape(b.size(), maxLen)),
                        manager.create(b.targets(), new Shape(b.size(), maxLen)));
                if (loss.loss() == NextItemLoss.Kind.SAMPLED_SOFTMAX) {
                    NegativeSampler.Negatives n = sampler.draw(loss.negatives());
                    inputs.add(manager.create(n.ids()));
                    inputs.add(manager.create(n.logQ()));
                } else if (loss.loss() == NextItemLoss.Kind.BCE) {
                    // the SASRec paper's recipe: its own negatives for every position
                    long[] ids = sampler.draw(b.size() * maxLen * loss.negatives()).ids();
                    inputs.add(manager.create(ids, new Shape(b.size(), maxLen, loss.negatives())));
                }
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList out = trainer.forward(inputs);
                    float loss = out.get(0).getFloat();
                    if (Float.isFinite(loss)) {
                        gc.backward(out.get(0));
                        for (int i = 0; i < 3; i++) {
                            partSums[i] += out.get(i + 1).getFloat();
                        }
                        partCount++;
                    }
                    return loss;
                }
            }
        }

        @Override
        public Validation validate() {
            NDManager manager = trainer.getManager();
            MetricAccumulator val = evaluator.evaluate(trainingScorer(block, manager), split.validation());
            Map<String, Double> metrics = new LinkedHashMap<>(val.asMap());
            if (partCount > 0) {
                metrics.put("loss.rec", partSums[0] / partCount);
                if (!block.students().isEmpty()) {
                    metrics.put("loss.hol", partSums[1] / partCount);
                    metrics.put("loss.code", partSums[2] / partCount);
                }
            }
            Arrays.fill(partSums, 0);
            partCount = 0;
            correlations(block, manager, probes).forEach((name, c) -> metrics.put("corr." + name, c));
            return new Validation(val.ndcg(10), metrics);
        }
    }

    /** Scores with the current (fused) item table: what the exported model will do. */
    public static SequenceScorer trainingScorer(KdsrTrainingBlock block, NDManager manager) {
        return new SequenceScorer(block.backbone(), manager, ps -> block.itemTable(ps, manager.getDevice(), false));
    }

    /** The item table as a row-major float array [N+1, d]. */
    public static float[] itemTable(KdsrTrainingBlock block, NDManager manager) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return block.itemTable(new ParameterStore(manager, false), manager.getDevice(), false).toFloatArray();
        }
    }

    /**
     * Writes the fused item table into the backbone's ID table, so that the backbone alone scores
     * exactly like the training graph.
     */
    public static void materialise(KdsrTrainingBlock block, NDManager manager) {
        float[] table = itemTable(block, manager);
        Parameter weight = block.backbone().items().weight();
        TensorWrites.overwrite(weight.getArray(), table);
    }

    private static Map<String, Double> correlations(KdsrTrainingBlock block, NDManager manager,
            Map<String, ModalityCorrelationProbe> probes) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (probes.isEmpty()) {
            return out;
        }
        float[] table = itemTable(block, manager);
        int dim = block.backbone().config().dim();
        probes.forEach((name, probe) -> out.put(name, probe.correlation(table, dim)));
        return out;
    }
}
