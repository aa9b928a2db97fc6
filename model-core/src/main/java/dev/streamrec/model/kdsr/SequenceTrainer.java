package dev.streamrec.model.kdsr;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
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
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.ParameterTracker;
import dev.streamrec.model.backbone.SequenceScorer;
import dev.streamrec.model.backbone.TrainingWindows;
import dev.streamrec.model.cli.ProgressBar;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.metrics.MetricAccumulator;
import dev.streamrec.model.train.EarlyStopping;
import dev.streamrec.model.train.FullRankingEvaluator;
import dev.streamrec.model.train.TensorWrites;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Trains a {@link KdsrTrainingBlock} (plain backbone when it has no modality): Adam (the modality
 * tables on the slow asynchronous schedule when enabled), one progress bar per epoch, validation
 * NDCG@10 after every epoch with early stopping, and the parameters of the best validation epoch
 * restored at the end. Never looks at the test cases. Deterministic for a seed on one device. A
 * batch with a non-finite loss (seen sporadically, not reproducibly, in long streaming runs) is not
 * applied and ends training: the best epoch so far is restored, or, before the first epoch ends,
 * the weights of the last finite step are kept.
 */
public final class SequenceTrainer {

    /** What one epoch did. */
    public record EpochLog(int epoch, double loss, double recommendation, double holistic, double dissected,
            double validationNdcg10, double seconds, Map<String, Double> modalityCorrelation) {}

    /** The outcome: best epoch (1-based), its validation metrics, the per-epoch log and the time to the end. */
    public record Result(int bestEpoch, Map<String, Double> validation, List<EpochLog> history, double trainSeconds) {}

    private SequenceTrainer() {}

    public static Result fit(Model model, KdsrTrainingBlock block, LeaveOneOutSplit split, TrainingSettings s,
            KdsrConfig kdsr, Map<String, ModalityCorrelationProbe> probes, FullRankingEvaluator evaluator)
            throws IOException {
        Engine.getInstance().setRandomSeed((int) s.seed());
        model.setBlock(block);
        int maxLen = block.backbone().config().maxLen();
        int numItems = block.backbone().config().numItems();
        Set<String> slow = new HashSet<>();
        if (kdsr.async()) {
            block.students().forEach(st -> slow.add(st.tableParameter().getId()));
        }
        float lr = s.learningRate();
        float slowLr = (float) (lr * kdsr.asyncFactor());
        ParameterTracker tracker = (id, update) -> slow.contains(id) ? slowLr : lr;
        DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(Adam.builder().optLearningRateTracker(tracker).build())
                .optDevices(new Device[] {model.getNDManager().getDevice()});
        TrainingWindows windows = new TrainingWindows(split.train(), maxLen);
        Random random = new Random(s.seed());
        EarlyStopping stopping = new EarlyStopping(s.patience());
        List<EpochLog> history = new java.util.ArrayList<>();
        Map<String, Double> bestValidation = Map.of();
        byte[] best = null;
        long start = System.nanoTime();
        double secondsAtBest = 0;
        try (Trainer trainer = model.newTrainer(cfg)) {
            trainer.initialize(new Shape(s.batchSize(), maxLen), new Shape(s.batchSize(), maxLen));
            block.initialiseModalityTables();
            NDManager manager = trainer.getManager();
            for (int epoch = 1; epoch <= s.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                List<TrainingWindows.Batch> batches = windows.epoch(s.batchSize(), random);
                ProgressBar bar = new ProgressBar(String.format(Locale.ROOT, "epoch %d/%d", epoch, s.epochs()), batches.size());
                double[] sums = new double[4];
                int done = 0;
                boolean diverged = false;
                for (TrainingWindows.Batch b : batches) {
                    try (NDScope scope = new NDScope()) {
                        NDList inputs = new NDList(
                                manager.create(b.inputs(), new Shape(b.size(), maxLen)),
                                manager.create(b.targets(), new Shape(b.size(), maxLen)));
                        if (s.sampledNegatives() > 0) {
                            long[] neg = new long[s.sampledNegatives()];
                            for (int i = 0; i < neg.length; i++) {
                                neg[i] = 1 + random.nextInt(numItems);
                            }
                            inputs.add(manager.create(neg));
                        }
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList out = trainer.forward(inputs);
                            diverged = !Float.isFinite(out.get(0).getFloat());
                            if (!diverged) {
                                gc.backward(out.get(0));
                                for (int i = 0; i < 4; i++) {
                                    sums[i] += out.get(i).getFloat();
                                }
                            }
                        }
                        scope.suppressNotUsedWarning();
                    }
                    if (diverged) {
                        break; // never apply a non-finite update: the weights stay as the last finite step left them
                    }
                    trainer.step();
                    done++;
                    bar.update(done, String.format(Locale.ROOT, "loss %.4f", sums[0] / done));
                }
                if (diverged) {
                    history.add(new EpochLog(epoch, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                            (System.nanoTime() - epochStart) / 1e9, Map.of()));
                    bar.finish("diverged");
                    System.err.printf(Locale.ROOT, "epoch %d: non-finite loss at batch %d; update skipped, training stopped%n",
                            epoch, done + 1);
                    break;
                }
                MetricAccumulator val = evaluator.evaluate(trainingScorer(block, manager), split.validation());
                double ndcg = val.ndcg(10);
                Map<String, Double> corr = correlations(block, manager, probes);
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                history.add(new EpochLog(epoch, sums[0] / done, sums[1] / done, sums[2] / done, sums[3] / done, ndcg, seconds, corr));
                bar.finish(String.format(Locale.ROOT, "loss %.4f", sums[0] / done));
                System.err.printf(Locale.ROOT, "epoch %d: loss %.4f (rec %.4f hol %.4f code %.4f) val NDCG@10 %.4f HR@10 %.4f %.1f s%s%n",
                        epoch, sums[0] / done, sums[1] / done, sums[2] / done, sums[3] / done, ndcg, val.hitRate(10),
                        seconds, corr.isEmpty() ? "" : " corr " + format(corr));
                if (stopping.record(epoch, ndcg)) {
                    best = snapshot(block);
                    bestValidation = val.asMap();
                    secondsAtBest = (System.nanoTime() - start) / 1e9;
                }
                if (stopping.shouldStop()) {
                    break;
                }
            }
            restore(block, model.getNDManager(), best);
        }
        return new Result(stopping.bestEpoch(), bestValidation, history, secondsAtBest);
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

    private static String format(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(String.format(Locale.ROOT, "%.3f", v)));
        return sb.toString();
    }

    private static byte[] snapshot(KdsrTrainingBlock block) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        }
        return bytes.toByteArray();
    }

    private static void restore(KdsrTrainingBlock block, NDManager manager, byte[] snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new IOException("cannot restore the best epoch's parameters", e);
        }
    }
}
