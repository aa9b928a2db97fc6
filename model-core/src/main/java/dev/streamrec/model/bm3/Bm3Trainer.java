package dev.streamrec.model.bm3;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.streamrec.model.train.AdamW;
import dev.streamrec.model.train.TrainingEngine;
import dev.streamrec.model.train.TrainingOptions;
import dev.streamrec.model.train.TrainingResult;
import dev.streamrec.model.train.TrainingTask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Trains a {@link Bm3Model} on a {@link UserItemSplit} with the {@link TrainingEngine}: each positive
 * training pair is an example (plus one uniformly sampled unseen negative per pair for the BPR
 * models), each validation Recall@20 with training items masked, early stopping, and the test
 * metrics computed once with the parameters of the best validation.
 */
public final class Bm3Trainer {

    /** What a finished run produced. */
    public record Result(
            int bestEpoch,
            int epochsRun,
            MultiTargetMetrics validation,
            MultiTargetMetrics test,
            double secondsPerEpoch,
            double[] epochLosses,
            TrainingResult run) {}

    private final Bm3Config config;
    private final TrainingOptions options;

    /** The config's own budget (epochs, batch, rate, patience, seed), with or without progress bars. */
    public Bm3Trainer(Bm3Config config, boolean verbose) {
        this(config, config.trainingOptions().withProgress(verbose));
    }

    public Bm3Trainer(Bm3Config config, TrainingOptions options) {
        this.config = config;
        this.options = options;
    }

    /** Trains in place; on return the model holds the best validation's parameters. */
    public Result train(Bm3Model model, UserItemSplit split, NDManager manager) {
        Fit fit = fit(model, split.train(), split.train(), split.valid(), manager);
        MultiTargetMetrics test = evaluate(model, manager, split.train(), split.test());
        return new Result(fit.bestEpoch(), fit.epochsRun(), fit.validation(), test, fit.secondsPerEpoch(), fit.epochLosses(),
                fit.run());
    }

    /** What {@link #fit} produced: the best validation's epoch (1-based), its metrics, every epoch's mean loss, the engine's account. */
    public record Fit(int bestEpoch, int epochsRun, MultiTargetMetrics validation, double secondsPerEpoch, double[] epochLosses,
            TrainingResult run) {}

    /**
     * Trains in place on the positive pairs {@code pairs} (per user, item indices; the propagation
     * graph is the model's own, which may hold more edges), validating on {@code valid} with
     * {@code masked} excluded from ranking and from BPR negatives; on return the model holds the
     * best validation's parameters. Used by training and by streaming fine-tuning.
     */
    public Fit fit(Bm3Model model, int[][] pairs, int[][] masked, int[][] valid, NDManager manager) {
        Pairs data = Pairs.of(pairs, masked, model.graph().numItemRows() - 1);
        List<MultiTargetMetrics> validations = new ArrayList<>();
        TrainingResult run = new TrainingEngine(config.variant(), options).run(new Task(model, data, manager) {
            @Override
            public Validation validate() {
                MultiTargetMetrics m = evaluate(model, manager, masked, valid);
                validations.add(m);
                return new Validation(m.recall(20), m.asMap());
            }
        });
        MultiTargetMetrics best = run.best() == null ? null : validations.get(run.best().index() - 1);
        double[] losses = run.epochLosses().stream().mapToDouble(Double::doubleValue).toArray();
        return new Fit(run.bestEpoch(), run.epochs(), best, run.seconds() / Math.max(1, run.epochs()), losses, run);
    }

    /** One training epoch from a fresh optimiser, without validation (the memory benchmark); returns the mean loss. */
    public double trainOneEpoch(Bm3Model model, int[][] pairs, NDManager manager) {
        Pairs data = Pairs.of(pairs, pairs, model.graph().numItemRows() - 1);
        TrainingResult run = new TrainingEngine(config.variant(), options.withEpochs(1).withProgress(false))
                .run(new Task(model, data, manager) {
                    @Override
                    public Validation validate() {
                        return null;
                    }
                });
        return run.lastLoss();
    }

    /** The positive pairs as examples, BM3's (or BPR's) loss over a batch of them. */
    private abstract class Task implements TrainingTask {
        private final Bm3Model model;
        private final Pairs data;
        private final NDManager manager;

        Task(Bm3Model model, Pairs data, NDManager manager) {
            this.model = model;
            this.data = data;
            this.manager = manager;
        }

        @Override
        public int examples() {
            return data.users().length;
        }

        @Override
        public List<AdamW.Trainable> parameters() {
            return AdamW.Trainable.all(new ArrayList<>(model.parameters().values()));
        }

        @Override
        public float forwardBackward(int[] batch, Random random) {
            long[] bu = new long[batch.length];
            long[] bi = new long[batch.length];
            long[] bn = new long[batch.length];
            for (int j = 0; j < batch.length; j++) {
                bu[j] = data.users()[batch[j]];
                bi[j] = data.items()[batch[j]];
                if (!config.isBm3()) {
                    bn[j] = sampleNegative(data.sortedMasked()[(int) bu[j]], data.numItems(), random);
                }
            }
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                scope.suppressNotUsedWarning();
                NDArray users = manager.create(bu);
                NDArray items = manager.create(bi);
                NDArray loss = config.isBm3()
                        ? model.bm3Loss(users, items)
                        : model.bprLoss(users, items, manager.create(bn));
                float value = loss.getFloat();
                if (Float.isFinite(value)) {
                    gc.backward(loss);
                }
                return value;
            }
        }
    }

    /** The positive pairs flattened, and each user's sorted excluded items (for BPR negatives). */
    private record Pairs(long[] users, long[] items, int[][] sortedMasked, int numItems) {

        static Pairs of(int[][] pairs, int[][] masked, int numItems) {
            int n = 0;
            for (int[] items : pairs) {
                n += items.length;
            }
            long[] users = new long[n];
            long[] items = new long[n];
            int k = 0;
            for (int u = 0; u < pairs.length; u++) {
                for (int i : pairs[u]) {
                    users[k] = u;
                    items[k++] = i;
                }
            }
            int[][] sorted = new int[masked.length][];
            for (int u = 0; u < masked.length; u++) {
                sorted[u] = masked[u].clone();
                Arrays.sort(sorted[u]);
            }
            return new Pairs(users, items, sorted, numItems);
        }

    }

    /** Full-ranking metrics of the model's current parameters, training items masked. */
    public static MultiTargetMetrics evaluate(Bm3Model model, NDManager manager, int[][] masked, int[][] targets) {
        try (NDScope scope = new NDScope()) {
            NDList vectors = model.scoringVectors();
            NDArray users = vectors.get(0); // (U, d)
            NDArray itemsT = vectors.get(1).transpose(); // (d, N+1)
            int numCols = (int) itemsT.getShape().get(1);
            // Each chunk's arrays are closed at once: left to the scope, a 100,000-item catalogue
            // kept every chunk's (b, N+1) scores until the end (tens of GB).
            return new Bm3Evaluator(Bm3Evaluator.chunkFor(numCols, 1024)).evaluate((from, to) -> {
                try (NDArray slice = users.get(from + ":" + to); NDArray product = slice.matMul(itemsT)) {
                    return Bm3ServingState.toMatrix(product); // (b, N+1)
                }
            }, masked, targets);
        }
    }

    private static int sampleNegative(int[] sortedPositives, int numItems, Random rnd) {
        if (sortedPositives.length >= numItems) {
            return 1 + rnd.nextInt(numItems);
        }
        while (true) {
            int j = 1 + rnd.nextInt(numItems);
            if (Arrays.binarySearch(sortedPositives, j) < 0) {
                return j;
            }
        }
    }
}
