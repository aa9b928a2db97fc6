package dev.streamrec.model.missrec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.streamrec.model.cli.ProgressBar;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.metrics.MetricAccumulator;
import dev.streamrec.model.train.EarlyStopping;
import dev.streamrec.model.train.FullRankingEvaluator;
import dev.streamrec.model.train.Scalars;
import dev.streamrec.model.train.TensorWrites;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * MISSRec's two training stages. Pre-training (paper §3.5, code ddp_pretrain.py):
 * L = InfoNCE(sequence, item) + λ·InfoNCE(sequence, augmented sequence) + γ·(reg + reg'), in-batch,
 * τ = 0.07; the second view is an item-drop (p = 0.9 of batches) or a feature-dropout view. Fine-tuning
 * (code finetune.py): full-softmax cross-entropy over the whole catalogue + γ·reg, one epoch =
 * (a sample of) all prefix rows, validation NDCG@10 per epoch, early stopping, best weights kept.
 */
public final class MissRecTrainer {

    /** Loop settings (not model hyper-parameters). */
    public record Settings(int epochs, int batchSize, float lr, int patience, int rowsPerEpoch, long seed,
            int evalBatch, boolean progress, float clipNorm) {}

    /** One epoch's log line; {@code loss} is the mean over applied steps, NaN when every step was skipped. */
    public record Epoch(int epoch, double loss, double validNdcg10, double seconds) {}

    /** What fine-tuning reports. */
    public record Result(int bestEpoch, double bestValidNdcg10, List<Epoch> epochs, double seconds) {}

    private static final float PAIR_MASK = -1e9f;

    private MissRecTrainer() {}

    /** Contrastive pre-training; returns the mean loss of each epoch (NaN when every step was skipped). */
    public static List<Double> pretrain(MissRecModel model, List<int[]> sequences, Settings s) {
        Engine.getInstance().setRandomSeed((int) s.seed());
        Random random = new Random(s.seed());
        MissRecConfig c = model.config();
        TrainingExamples rows = new TrainingExamples(sequences, c.maxLen());
        Adam adam = new Adam(model.params().trainable(), s.lr());
        List<Double> losses = new ArrayList<>();
        model.releaseCatalogue();
        for (int epoch = 1; epoch <= s.epochs(); epoch++) {
            model.refreshGlobalInterests(s.seed() + epoch);
            int[] order = rows.epochOrder(random, s.rowsPerEpoch());
            ProgressBar bar = s.progress() ? new ProgressBar("pretrain epoch " + epoch, batches(order, s)) : null;
            double loss = runEpoch(order, s, epoch, bar, batch -> {
                int[][] histories = new int[batch.length][];
                int[][] views = new int[batch.length][];
                int[] targets = new int[batch.length];
                boolean itemDrop = random.nextFloat() < 0.9f;
                for (int i = 0; i < batch.length; i++) {
                    histories[i] = rows.history(batch[i]);
                    targets[i] = rows.target(batch[i]);
                    views[i] = itemDrop ? TrainingExamples.itemDrop(histories[i], c.itemDropProb(), random) : histories[i];
                }
                return pretrainStep(model, adam, histories, views, targets, !itemDrop, s.clipNorm());
            });
            if (bar != null) {
                bar.finish(String.format(Locale.ROOT, "loss %.4f", loss));
            }
            losses.add(loss);
        }
        adam.close();
        return losses;
    }

    private static double pretrainStep(MissRecModel model, Adam adam, int[][] histories, int[][] views, int[] targets,
            boolean featureDrop, float clipNorm) {
        MissRecConfig c = model.config();
        float value;
        try (NDScope scope = new NDScope()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDManager m = model.manager();
            MissRecModel.Output o = model.forward(SequenceBatch.of(histories, c.maxLen()), true, false);
            MissRecModel.Output v = model.forward(SequenceBatch.of(views, c.maxLen()), true, featureDrop);
            NDArray seqItem = diagonalCrossEntropy(
                    model.inBatchLogits(o.user(), targets).add(duplicateMask(m, targets)));
            NDArray seqSeq = diagonalCrossEntropy(Scalars.div(o.user().matMul(v.user().transpose()), c.tau()));
            NDArray loss = seqItem.add(Scalars.mul(seqSeq, c.lambda()))
                    .add(Scalars.mul(model.regularizer(o).add(model.regularizer(v)), c.gamma()));
            gc.backward(loss);
            value = loss.getFloat();
            }
            if (!Float.isFinite(value) || !adam.step(clipNorm)) {
                adam.skip();
                value = Float.NaN;
            }
        }
        return value;
    }

    /**
     * Parameter fine-tuning with early stopping on validation NDCG@10; the model ends with the best
     * epoch's weights and a frozen catalogue cache.
     */
    public static Result fineTune(
            MissRecModel model, List<int[]> sequences, List<LeaveOneOutSplit.Case> validation, Settings s) {
        long start = System.nanoTime();
        Engine.getInstance().setRandomSeed((int) s.seed());
        Random random = new Random(s.seed());
        MissRecConfig c = model.config();
        TrainingExamples rows = new TrainingExamples(sequences, c.maxLen());
        Adam adam = new Adam(model.params().trainable(), s.lr());
        EarlyStopping stopping = new EarlyStopping(s.patience());
        FullRankingEvaluator evaluator = new FullRankingEvaluator(s.evalBatch(), false, 10);
        Map<String, float[]> best = snapshot(model.params());
        List<Epoch> log = new ArrayList<>();
        for (int epoch = 1; epoch <= s.epochs(); epoch++) {
            long t0 = System.nanoTime();
            model.releaseCatalogue();
            model.refreshGlobalInterests(s.seed() + epoch);
            int[] order = rows.epochOrder(random, s.rowsPerEpoch());
            ProgressBar bar = s.progress() ? new ProgressBar("epoch " + epoch, batches(order, s)) : null;
            double loss = runEpoch(order, s, epoch, bar, batch -> {
                int[][] histories = new int[batch.length][];
                int[] targets = new int[batch.length];
                for (int i = 0; i < batch.length; i++) {
                    histories[i] = rows.history(batch[i]);
                    targets[i] = rows.target(batch[i]);
                }
                return fineTuneStep(model, adam, histories, targets, s.clipNorm());
            });
            model.freezeCatalogue();
            MetricAccumulator valid = evaluator.evaluate(model::scoreAll, validation);
            double ndcg = valid.ndcg(10);
            if (bar != null) {
                bar.finish(String.format(Locale.ROOT, "loss %.4f valid NDCG@10 %.4f", loss, ndcg));
            }
            log.add(new Epoch(epoch, loss, ndcg, (System.nanoTime() - t0) / 1e9));
            if (s.progress()) {
                System.err.printf(Locale.ROOT, "epoch %d: loss %.4f, valid NDCG@10 %.4f, %.1f s%n",
                        epoch, loss, ndcg, (System.nanoTime() - t0) / 1e9);
            }
            if (stopping.record(epoch, ndcg)) {
                best = snapshot(model.params());
            }
            if (stopping.shouldStop()) {
                break;
            }
        }
        adam.close();
        restore(model.params(), best);
        model.refreshGlobalInterests(s.seed() + stopping.bestEpoch());
        model.freezeCatalogue();
        return new Result(stopping.bestEpoch(), stopping.best(), log, (System.nanoTime() - start) / 1e9);
    }

    /** One fine-tuning step; returns the loss. */
    static double fineTuneStep(MissRecModel model, Adam adam, int[][] histories, int[] targets, float clipNorm) {
        MissRecConfig c = model.config();
        float value;
        try (NDScope scope = new NDScope()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            MissRecModel.Output o = model.forward(SequenceBatch.of(histories, c.maxLen()), true, false);
            NDArray logits = model.catalogueLogits(o.user()); // (B, N+1)
            NDArray picked = model.manager().create(targets).toType(DataType.INT64, false)
                    .oneHot((int) logits.getShape().get(1), DataType.FLOAT32);
            NDArray ce = logits.logSoftmax(1).mul(picked).sum(new int[] {1}).neg().mean();
            NDArray loss = ce.add(Scalars.mul(model.regularizer(o), c.gamma()));
            gc.backward(loss);
            value = loss.getFloat();
            }
            if (!Float.isFinite(value) || !adam.step(clipNorm)) {
                adam.skip();
                value = Float.NaN;
            }
        }
        return value;
    }

    /** One batch's training step: the batch's row numbers → its loss, NaN when the step was skipped. */
    @FunctionalInterface
    private interface BatchStep {
        double run(int[] batch);
    }

    /**
     * Runs one epoch's batches in {@code order}; returns the mean loss of the applied steps (NaN when
     * none was applied) and warns about skipped ones.
     */
    private static double runEpoch(int[] order, Settings s, int epoch, ProgressBar bar, BatchStep step) {
        double sum = 0;
        int n = 0;
        int skipped = 0;
        for (int from = 0; from < order.length; from += s.batchSize()) {
            double loss = step.run(Arrays.copyOfRange(order, from, Math.min(order.length, from + s.batchSize())));
            if (Double.isNaN(loss)) {
                skipped++;
                continue;
            }
            sum += loss;
            n++;
            if (bar != null) {
                bar.update(n, String.format(Locale.ROOT, "loss %.4f", sum / n));
            }
        }
        warnSkipped(skipped, epoch);
        return n == 0 ? Double.NaN : sum / n;
    }

    private static void warnSkipped(int skipped, int epoch) {
        if (skipped > 0) {
            System.err.printf(Locale.ROOT, "epoch %d: %d steps skipped (non-finite loss or gradient)%n", epoch, skipped);
        }
    }

    /** Cross-entropy of a square logit matrix whose diagonal holds the positives. */
    private static NDArray diagonalCrossEntropy(NDArray logits) {
        int b = (int) logits.getShape().get(0);
        NDArray eye = logits.getManager().eye(b);
        return logits.logSoftmax(1).mul(eye).sum(new int[] {1}).neg().mean();
    }

    /** Masks in-batch "negatives" that are the row's own target item (false negatives, pitfall 5). */
    private static NDArray duplicateMask(NDManager m, int[] targets) {
        int b = targets.length;
        float[] mask = new float[b * b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                if (i != j && targets[i] == targets[j]) {
                    mask[i * b + j] = PAIR_MASK;
                }
            }
        }
        return m.create(mask, new Shape(b, b));
    }

    private static long batches(int[] order, Settings s) {
        return (order.length + s.batchSize() - 1) / s.batchSize();
    }

    static Map<String, float[]> snapshot(Parameters params) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        params.all().forEach((name, a) -> copy.put(name, a.toFloatArray()));
        return copy;
    }

    static void restore(Parameters params, Map<String, float[]> values) {
        values.forEach((name, v) -> TensorWrites.overwrite(params.get(name), v));
    }
}
