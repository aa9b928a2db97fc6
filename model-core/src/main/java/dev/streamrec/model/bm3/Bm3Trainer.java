package dev.streamrec.model.bm3;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.streamrec.model.cli.ProgressBar;
import dev.streamrec.model.train.EarlyStopping;
import dev.streamrec.model.train.TensorWrites;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link Bm3Model} on a {@link UserItemSplit}: shuffled mini-batches of positive training
 * pairs (plus one uniformly sampled unseen negative per pair for the BPR models), Adam, one
 * validation pass per epoch (Recall@20 with training items masked), early stopping, and the test
 * metrics computed once with the parameters of the best validation epoch.
 */
public final class Bm3Trainer {

    /** What a finished run produced. */
    public record Result(
            int bestEpoch,
            int epochsRun,
            MultiTargetMetrics validation,
            MultiTargetMetrics test,
            double secondsPerEpoch,
            double[] epochLosses) {}

    private static final String STOP_METRIC = "Recall@20";

    private final Bm3Config config;
    private final boolean verbose;

    public Bm3Trainer(Bm3Config config, boolean verbose) {
        this.config = config;
        this.verbose = verbose;
    }

    /** Trains in place; on return the model holds the best validation epoch's parameters. */
    public Result train(Bm3Model model, UserItemSplit split, NDManager manager) {
        Fit fit = fit(model, split.train(), split.train(), split.valid(), manager);
        MultiTargetMetrics test = evaluate(model, manager, split.train(), split.test());
        return new Result(fit.bestEpoch(), fit.epochsRun(), fit.validation(), test, fit.secondsPerEpoch(), fit.epochLosses());
    }

    /** What {@link #fit} produced: the best validation epoch (1-based), its metrics and every epoch's mean loss. */
    public record Fit(int bestEpoch, int epochsRun, MultiTargetMetrics validation, double secondsPerEpoch, double[] epochLosses) {}

    /**
     * Trains in place on the positive pairs {@code pairs} (per user, item indices; the propagation
     * graph is the model's own, which may hold more edges), validating every epoch on {@code valid}
     * with {@code masked} excluded from ranking and from BPR negatives; on return the model holds
     * the best validation epoch's parameters. Used by training and by streaming fine-tuning.
     */
    public Fit fit(Bm3Model model, int[][] pairs, int[][] masked, int[][] valid, NDManager manager) {
        Engine.getInstance().setRandomSeed((int) config.seed());
        Random rnd = new Random(config.seed());
        Pairs data = Pairs.of(pairs, masked, model.graph().numItemRows() - 1);
        EarlyStopping stopping = new EarlyStopping(config.patience());
        Map<String, float[]> best = null;
        MultiTargetMetrics bestValid = null;
        double[] losses = new double[config.maxEpochs()];
        double trainSeconds = 0;
        int epoch = 0;
        try (AdamOptimizer adam = new AdamOptimizer(config.learningRate())) {
            for (; epoch < config.maxEpochs() && !stopping.shouldStop(); epoch++) {
                ProgressBar bar = verbose
                        ? new ProgressBar(String.format(Locale.ROOT, "%s epoch %d", config.variant(), epoch + 1), data.batches(config.batchSize()))
                        : null;
                long t0 = System.nanoTime();
                losses[epoch] = epoch(model, adam, data, rnd, manager, bar);
                trainSeconds += (System.nanoTime() - t0) / 1e9;
                MultiTargetMetrics validation = evaluate(model, manager, masked, valid);
                boolean improved = stopping.record(epoch, validation.recall(20));
                if (improved) {
                    best = snapshot(model);
                    bestValid = validation;
                }
                if (bar != null) {
                    String status = String.format(Locale.ROOT, "loss %.4f valid %s %.4f%s", losses[epoch], STOP_METRIC,
                            validation.recall(20), improved ? " *" : "");
                    bar.finish(status);
                    System.err.printf(Locale.ROOT, "%s epoch %d: %s%n", config.variant(), epoch + 1, status);
                }
            }
        }
        restore(model, best);
        return new Fit(stopping.bestEpoch() + 1, epoch, bestValid, trainSeconds / Math.max(1, epoch),
                Arrays.copyOf(losses, epoch));
    }

    /** One training epoch from a fresh optimiser, without validation (the memory benchmark); returns the mean loss. */
    public double trainOneEpoch(Bm3Model model, int[][] pairs, NDManager manager) {
        Engine.getInstance().setRandomSeed((int) config.seed());
        try (AdamOptimizer adam = new AdamOptimizer(config.learningRate())) {
            return epoch(model, adam, Pairs.of(pairs, pairs, model.graph().numItemRows() - 1), new Random(config.seed()),
                    manager, null);
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

        int batches(int batchSize) {
            return (users.length + batchSize - 1) / batchSize;
        }
    }

    /** Shuffled mini-batches over all pairs, one Adam step each; returns the epoch's mean loss. */
    private double epoch(Bm3Model model, AdamOptimizer adam, Pairs data, Random rnd, NDManager manager, ProgressBar bar) {
        int n = data.users().length;
        int[] order = permutation(n, rnd);
        int batches = data.batches(config.batchSize());
        double lossSum = 0;
        for (int b = 0; b < batches; b++) {
            int from = b * config.batchSize();
            int to = Math.min(n, from + config.batchSize());
            long[] bu = new long[to - from];
            long[] bi = new long[to - from];
            long[] bn = new long[to - from];
            for (int j = from; j < to; j++) {
                bu[j - from] = data.users()[order[j]];
                bi[j - from] = data.items()[order[j]];
                if (!config.isBm3()) {
                    bn[j - from] = sampleNegative(data.sortedMasked()[(int) bu[j - from]], data.numItems(), rnd);
                }
            }
            try (NDScope scope = new NDScope()) {
                NDArray users = manager.create(bu);
                NDArray items = manager.create(bi);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = config.isBm3()
                            ? model.bm3Loss(users, items)
                            : model.bprLoss(users, items, manager.create(bn));
                    gc.backward(loss);
                    lossSum += loss.getFloat();
                }
                adam.step(model.parameters());
            }
            if (bar != null) {
                bar.update(b + 1, String.format(Locale.ROOT, "loss %.4f", lossSum / (b + 1)));
            }
        }
        return lossSum / Math.max(1, batches);
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

    private static int[] permutation(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static Map<String, float[]> snapshot(Bm3Model model) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        model.parameters().forEach((name, p) -> copy.put(name, p.toFloatArray()));
        return copy;
    }

    private static void restore(Bm3Model model, Map<String, float[]> best) {
        if (best == null) {
            return;
        }
        model.parameters().forEach((name, p) -> TensorWrites.overwrite(p, best.get(name)));
    }
}
