package dev.streamrec.model.bm3;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.streamrec.model.cli.ProgressBar;
import dev.streamrec.model.train.EarlyStopping;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Trains one model of the family: per epoch the training pairs are reshuffled (seeded) and cut into
 * batches; each batch propagates the whole graph, computes the objective ({@link Bm3Loss}),
 * back-propagates and takes an Adam step. Validation Recall@20 after every epoch drives early
 * stopping; test metrics are computed only for the best-validation epoch's tables.
 */
public final class Bm3Trainer {

    /** The outcome: best epoch, its validation and test metrics, its tables, timing and loss curve. */
    public record Result(int bestEpoch, int epochsRun, Map<String, Double> valid, Map<String, Double> test,
            Bm3Weights weights, double secondsPerEpoch, List<Double> losses) {}

    private final Bm3Config config;
    private final Bm3Split split;
    private final Map<String, float[][]> features;
    private final PrintStream log;

    public Bm3Trainer(Bm3Config config, Bm3Split split, Map<String, float[][]> features, PrintStream log) {
        this.config = config;
        this.split = split;
        this.features = features;
        this.log = log;
    }

    public Result train() {
        Engine.getInstance().setRandomSeed((int) config.seed());
        Random random = new Random(config.seed());
        int[][] pairs = pairs();
        int n = pairs[0].length;
        int batches = (n + config.batchSize() - 1) / config.batchSize();
        EarlyStopping stopping = new EarlyStopping(config.patience());
        List<Double> losses = new ArrayList<>();
        Map<String, Double> bestValid = null;
        Map<String, Double> bestTest = null;
        Bm3Weights best = null;
        long trainNanos = 0;
        int epoch = 0;
        try (NDManager root = NDManager.newBaseManager();
                Bm3Model model = new Bm3Model(config, root, split.train(), split.itemCount(), features)) {
            Bm3Adam adam = new Bm3Adam(model.parameters(), config.lr());
            for (epoch = 1; epoch <= config.epochs(); epoch++) {
                long start = System.nanoTime();
                int[] order = permutation(n, random);
                ProgressBar bar = new ProgressBar("epoch " + epoch, batches);
                double sum = 0;
                for (int b = 0; b < batches; b++) {
                    int from = b * config.batchSize();
                    int to = Math.min(n, from + config.batchSize());
                    sum += step(model, adam, pairs, Arrays.copyOfRange(order, from, to), random);
                    bar.update(b + 1, String.format(Locale.ROOT, "loss %.4f", sum / (b + 1)));
                }
                double loss = sum / batches;
                losses.add(loss);
                bar.finish(String.format(Locale.ROOT, "loss %.4f", loss));
                trainNanos += System.nanoTime() - start;
                Bm3Weights tables = model.export();
                try (Bm3Scorer scorer = new Bm3Scorer(tables, root)) {
                    Map<String, Double> valid = Bm3Evaluation.evaluate(scorer, split, false);
                    boolean improved = stopping.record(epoch, valid.get("recall@20"));
                    log.printf(Locale.ROOT, "epoch %d loss %.4f valid %s%s%n", epoch, loss, Bm3Evaluation.format(valid),
                            improved ? " *" : "");
                    if (improved) {
                        bestValid = valid;
                        bestTest = Bm3Evaluation.evaluate(scorer, split, true);
                        best = tables;
                    }
                }
                if (stopping.shouldStop()) {
                    break;
                }
            }
        }
        int run = Math.min(epoch, config.epochs());
        return new Result(stopping.bestEpoch(), run, bestValid, bestTest, best, trainNanos / 1e9 / run, losses);
    }

    /** One batch: forward, backward, Adam. Returns the batch loss. */
    double step(Bm3Model model, Bm3Adam adam, int[][] pairs, int[] batch, Random random) {
        try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
            int[] u = new int[batch.length];
            int[] i = new int[batch.length];
            for (int k = 0; k < batch.length; k++) {
                u[k] = pairs[0][batch[k]];
                i[k] = pairs[1][batch[k]];
            }
            NDArray users = m.create(u);
            NDArray items = m.create(i);
            float loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = config.isBm3()
                        ? Bm3Loss.bm3(model, users, items)
                        : Bm3Loss.bprObjective(model, users, items, m.create(negatives(u, random)));
                loss = out.get(0).getFloat();
                gc.backward(out.get(0));
            }
            adam.step();
            return loss;
        }
    }

    /** A uniformly drawn item the user has not interacted with in training, per pair (BPR). */
    private int[] negatives(int[] users, Random random) {
        int items = split.itemCount();
        int[] out = new int[users.length];
        for (int k = 0; k < users.length; k++) {
            int[] seen = split.train()[users[k]];
            int j;
            do {
                j = random.nextInt(items);
            } while (contains(seen, j) && seen.length < items);
            out[k] = j;
        }
        return out;
    }

    private static boolean contains(int[] a, int x) {
        for (int v : a) {
            if (v == x) {
                return true;
            }
        }
        return false;
    }

    private int[][] pairs() {
        int n = split.trainPairs();
        int[][] p = new int[2][n];
        int k = 0;
        for (int u = 0; u < split.userCount(); u++) {
            for (int i : split.train()[u]) {
                p[0][k] = u;
                p[1][k++] = i;
            }
        }
        return p;
    }

    private static int[] permutation(int n, Random random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = j == i ? t : a[j];
            a[j] = t;
        }
        return a;
    }
}
