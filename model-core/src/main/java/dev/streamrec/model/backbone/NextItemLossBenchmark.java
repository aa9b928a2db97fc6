package dev.streamrec.model.backbone;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Measures one training step of each {@link NextItemLoss} alone (forward and backward into the
 * hidden states and the item table, plus drawing the negatives) at SASRec's default shapes: batch
 * 128, L = 50, d = 64, for a catalogue of N items (MovieLens ≈ 9,724; Amazon Games 23,715).
 * Prints the median and p90 per loss. Run: {@code java -cp ... NextItemLossBenchmark [items]
 * [steps] [negatives]}. Not a test: timings depend on the machine and its thread count.
 */
public final class NextItemLossBenchmark {

    private static final int BATCH = 128;
    private static final int LEN = 50;
    private static final int DIM = 64;

    private NextItemLossBenchmark() {}

    public static void main(String[] args) {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 9724;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int negatives = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        Random random = new Random(1);
        long[] counts = new long[items + 1];
        for (int i = 1; i <= items; i++) {
            counts[i] = (long) (10_000 / Math.pow(i, 0.9)); // a long tail like MovieLens's
        }
        NegativeSampler popularity = NegativeSampler.popularity(counts, 1.0, 1);
        long[] targets = new long[BATCH * LEN];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = i % LEN < 5 ? 0 : 1 + random.nextInt(items); // a few padding positions per row
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hidden = m.randomNormal(new Shape(BATCH, LEN, DIM)).mul(0.1f);
            NDArray table = m.randomNormal(new Shape(items + 1, DIM)).mul(0.1f);
            hidden.setRequiresGradient(true);
            table.setRequiresGradient(true);
            NDArray tgt = m.create(targets, new Shape(BATCH, LEN));
            System.out.printf(Locale.ROOT, "N = %d, B = %d, L = %d, d = %d, S = %d, %s%n", items, BATCH, LEN, DIM, negatives,
                    Engine.getInstance().defaultDevice());
            report("full softmax", time(steps, m, s -> NextItemLoss.fullSoftmax(hidden, table, tgt)));
            report("sampled softmax, uniform, no log-Q", time(steps, m, s -> NextItemLoss.sampledSoftmax(hidden, table, tgt,
                    s.create(NegativeSampler.uniform(items, 2).draw(negatives).ids()))));
            report("sampled softmax, popularity, log-Q", time(steps, m, s -> {
                NegativeSampler.Negatives draw = popularity.draw(negatives);
                return NextItemLoss.sampledSoftmax(hidden, table, tgt, s.create(draw.ids()), s.create(draw.logQ()));
            }));
            report("BCE, S shared negatives", time(steps, m, s -> NextItemLoss.bce(hidden, table, tgt,
                    s.create(popularity.draw(negatives).ids()))));
            report("BCE, 1 negative per position", time(steps, m, s -> NextItemLoss.bce(hidden, table, tgt,
                    s.create(popularity.draw(BATCH * LEN).ids(), new Shape(BATCH, LEN, 1)))));
        }
    }

    private interface Step {
        NDArray loss(NDManager step);
    }

    /** Milliseconds per step after two warm-up steps. */
    private static double[] time(int steps, NDManager m, Step step) {
        double[] ms = new double[steps];
        for (int k = -2; k < steps; k++) {
            try (NDManager s = m.newSubManager(); GradientCollector gc = m.getEngine().newGradientCollector()) {
                long start = System.nanoTime();
                NDArray loss = step.loss(s);
                gc.backward(loss);
                loss.getFloat(); // wait for the result
                if (k >= 0) {
                    ms[k] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return ms;
    }

    private static void report(String name, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-38s median %8.2f ms  p90 %8.2f ms%n", name,
                sorted[sorted.length / 2], sorted[(int) Math.floor(0.9 * (sorted.length - 1))]);
    }
}
