package dev.streamrec.model.backbone;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The timing and the printed row of the incremental-inference benchmarks
 * ({@link Gru4RecIncrementalBenchmark}, {@code SasRecIncrementalBenchmark}): a call's rate as the
 * median of three timed windows after one warm-up window, and one table row per path (history
 * length, batch, path, FLOPs per event, sequences/s, ms per batch).
 */
public final class StepRate {

    private static final int REPEATS = 3;

    private StepRate() {}

    /** Median sequences/s ({@code batch} per call) of three windows of {@code seconds}, after one warm-up window. */
    public static double rate(int batch, double seconds, Supplier<?> call) {
        double[] rates = new double[REPEATS];
        for (int w = -1; w < REPEATS; w++) {
            long calls = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                call.get();
                calls++;
            }
            if (w >= 0) {
                rates[w] = calls * batch / ((System.nanoTime() - start) / 1e9);
            }
        }
        Arrays.sort(rates);
        return rates[REPEATS / 2];
    }

    /** Prints one row: history length, batch, path, FLOPs per event, sequences/s and ms per batch. */
    public static void report(int len, int batch, String path, long flops, double rate) {
        System.out.printf(Locale.ROOT, "%6d %6d %-12s %,14d %,14.0f %10.3f%n", len, batch, path, flops, rate, 1000.0 * batch / rate);
    }
}
