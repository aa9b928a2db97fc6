package dev.streamrec.model.missrec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.train.AdamW;
import dev.streamrec.model.train.FullRankingEvaluator;
import dev.streamrec.model.train.Scalars;
import dev.streamrec.model.train.TrainingEngine;
import dev.streamrec.model.train.TrainingOptions;
import dev.streamrec.model.train.TrainingResult;
import dev.streamrec.model.train.TrainingTask;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * MISSRec's two training stages as {@link TrainingTask}s of the {@link TrainingEngine}; every
 * prefix row of the training sequences (history → next item) is an example. Pre-training (paper
 * §3.5, code ddp_pretrain.py): L = InfoNCE(sequence, item) + λ·InfoNCE(sequence, augmented
 * sequence) + γ·(reg + reg'), in-batch, τ = 0.07; the second view is an item-drop (p = 0.9 of
 * batches) or a feature-dropout view; no validation. Fine-tuning (code finetune.py): full-softmax
 * cross-entropy over the whole catalogue + γ·reg, validation NDCG@10 with the catalogue frozen,
 * early stopping, best weights kept. The global interests (k-means mode) are refreshed at the start
 * of every epoch.
 */
public final class MissRecTrainer {

    private static final float PAIR_MASK = -1e9f;

    private MissRecTrainer() {}

    /** Contrastive pre-training; the model ends with its last weights. */
    public static TrainingResult pretrain(MissRecModel model, List<int[]> sequences, TrainingOptions o) {
        MissRecConfig c = model.config();
        TrainingExamples rows = new TrainingExamples(sequences, c.maxLen());
        model.releaseCatalogue();
        return new TrainingEngine("missrec pretrain", o).run(new Stage(model, rows, o.seed()) {
            @Override
            public float forwardBackward(int[] batch, Random random) {
                int[][] histories = new int[batch.length][];
                int[][] views = new int[batch.length][];
                int[] targets = new int[batch.length];
                boolean itemDrop = random.nextFloat() < 0.9f;
                for (int i = 0; i < batch.length; i++) {
                    histories[i] = rows.history(batch[i]);
                    targets[i] = rows.target(batch[i]);
                    views[i] = itemDrop ? TrainingExamples.itemDrop(histories[i], c.itemDropProb(), random) : histories[i];
                }
                return pretrainLoss(model, histories, views, targets, !itemDrop);
            }

            @Override
            public Validation validate() {
                return null;
            }
        });
    }

    /**
     * Parameter fine-tuning with early stopping on validation NDCG@10 ({@code evalBatch} cases a
     * batch); the model ends with the best validation's weights and a frozen catalogue cache.
     */
    public static TrainingResult fineTune(MissRecModel model, List<int[]> sequences, List<LeaveOneOutSplit.Case> validation,
            TrainingOptions o, int evalBatch) {
        MissRecConfig c = model.config();
        TrainingExamples rows = new TrainingExamples(sequences, c.maxLen());
        FullRankingEvaluator evaluator = new FullRankingEvaluator(evalBatch, false, 10);
        TrainingResult result = new TrainingEngine("missrec", o).run(new Stage(model, rows, o.seed()) {
            @Override
            public float forwardBackward(int[] batch, Random random) {
                model.releaseCatalogue();
                int[][] histories = new int[batch.length][];
                int[] targets = new int[batch.length];
                for (int i = 0; i < batch.length; i++) {
                    histories[i] = rows.history(batch[i]);
                    targets[i] = rows.target(batch[i]);
                }
                return fineTuneLoss(model, histories, targets);
            }

            @Override
            public Validation validate() {
                model.freezeCatalogue();
                Map<String, Double> metrics = evaluator.evaluate(model::scoreAll, validation).asMap();
                return new Validation(metrics.get("NDCG@10"), metrics);
            }
        });
        model.refreshGlobalInterests(o.seed() + result.bestEpoch());
        model.freezeCatalogue();
        return result;
    }

    /** What both stages share: the examples, the trainable parameters, the per-epoch interests. */
    private abstract static class Stage implements TrainingTask {
        final MissRecModel model;
        final TrainingExamples rows;
        final long seed;

        Stage(MissRecModel model, TrainingExamples rows, long seed) {
            this.model = model;
            this.rows = rows;
            this.seed = seed;
        }

        @Override
        public int examples() {
            return rows.size();
        }

        @Override
        public List<AdamW.Trainable> parameters() {
            return AdamW.Trainable.all(model.params().trainable());
        }

        @Override
        public void beginEpoch(int epoch) {
            model.releaseCatalogue();
            model.refreshGlobalInterests(seed + epoch);
        }
    }

    private static float pretrainLoss(MissRecModel model, int[][] histories, int[][] views, int[] targets,
            boolean featureDrop) {
        MissRecConfig c = model.config();
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            NDManager m = model.manager();
            MissRecModel.Output o = model.forward(SequenceBatch.of(histories, c.maxLen()), true, false);
            MissRecModel.Output v = model.forward(SequenceBatch.of(views, c.maxLen()), true, featureDrop);
            NDArray seqItem = diagonalCrossEntropy(
                    model.inBatchLogits(o.user(), targets).add(duplicateMask(m, targets)));
            NDArray seqSeq = diagonalCrossEntropy(Scalars.div(o.user().matMul(v.user().transpose()), c.tau()));
            NDArray loss = seqItem.add(Scalars.mul(seqSeq, c.lambda()))
                    .add(Scalars.mul(model.regularizer(o).add(model.regularizer(v)), c.gamma()));
            return backward(gc, loss);
        }
    }

    /** One fine-tuning forward and backward pass; returns the loss. */
    static float fineTuneLoss(MissRecModel model, int[][] histories, int[] targets) {
        MissRecConfig c = model.config();
        try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            MissRecModel.Output o = model.forward(SequenceBatch.of(histories, c.maxLen()), true, false);
            NDArray logits = model.catalogueLogits(o.user()); // (B, N+1)
            NDArray picked = model.manager().create(targets).toType(DataType.INT64, false)
                    .oneHot((int) logits.getShape().get(1), DataType.FLOAT32);
            NDArray ce = logits.logSoftmax(1).mul(picked).sum(new int[] {1}).neg().mean();
            NDArray loss = ce.add(Scalars.mul(model.regularizer(o), c.gamma()));
            return backward(gc, loss);
        }
    }

    /** Back-propagates a finite loss and returns it; a non-finite loss is returned untouched. */
    private static float backward(GradientCollector gc, NDArray loss) {
        float value = loss.getFloat();
        if (Float.isFinite(value)) {
            gc.backward(loss);
        }
        return value;
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

    static Map<String, float[]> snapshot(Parameters params) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        params.all().forEach((name, a) -> copy.put(name, a.toFloatArray()));
        return copy;
    }
}
