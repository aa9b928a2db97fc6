package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Locale;

/**
 * Measures interest assignment for one user sequence of 50 items × 2 modalities (100 tokens, D = 64)
 * on the CPU: full DPC-KNN, the incremental update for one new item, and the k-means lookup path.
 * Prints a table of median and p90 latencies. Run: {@code java -cp ... InterestAssignmentBenchmark
 * [iterations]}. Not a test: timings depend on the machine.
 */
public final class InterestAssignmentBenchmark {

    private InterestAssignmentBenchmark() {}

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int items = 50;
        int modalities = 2;
        int dim = 64;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = m.randomNormal(new Shape(1, (long) items * modalities, dim));
            NDArray mask = m.ones(new Shape(1, (long) items * modalities));
            NDArray centroids = m.randomNormal(new Shape(5000, dim));
            double[] full = time(iterations, () -> {
                Interests r = DpcKnn.discover(tokens, mask, 0.25f, 0.1f);
                r.mask().toFloatArray(); // force the result
            });
            IncrementalDpcKnn inc = new IncrementalDpcKnn(m, items, modalities, 0.25f, 0.1f);
            for (int i = 0; i < items; i++) {
                try (NDScope s = new NDScope()) {
                    inc.append(m.randomNormal(new Shape(modalities, dim)));
                }
            }
            NDArray next = m.randomNormal(new Shape(modalities, dim));
            double[] incremental = time(iterations, () -> inc.append(next).mask().toFloatArray());
            double[] kmeans = time(iterations, () -> {
                int[] ids = MiniBatchKMeans.nearest(next, centroids);
                ids[0] += 0;
            });
            inc.close();
            System.out.printf(Locale.ROOT, "%-44s %10s %10s%n", "operation (1 sequence, 50 items x 2 modalities, D=64)",
                    "median ms", "p90 ms");
            row("DPC-KNN, full (100 tokens)", full);
            row("DPC-KNN, incremental (+1 item, window 50)", incremental);
            row("k-means, nearest of 5000 centroids (+1 item)", kmeans);
            System.out.println("threads: " + System.getProperty("ai.djl.pytorch.num_threads") + ", iterations: " + iterations);
        }
    }

    private static double[] time(int iterations, Runnable body) {
        for (int i = 0; i < Math.min(200, iterations); i++) {
            try (NDScope s = new NDScope()) {
                body.run();
            }
        }
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            try (NDScope s = new NDScope()) {
                body.run();
            }
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static void row(String name, double[] sorted) {
        System.out.printf(Locale.ROOT, "%-54s %10.3f %10.3f%n", name, sorted[sorted.length / 2],
                sorted[(int) (sorted.length * 0.9)]);
    }

}
