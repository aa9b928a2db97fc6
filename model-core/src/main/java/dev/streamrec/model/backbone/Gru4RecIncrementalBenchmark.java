package dev.streamrec.model.backbone;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Model-only cost of GRU4Rec per event, incremental ({@link Gru4RecStepper}: one recurrent step
 * from each user's carried state) against re-encoding (what {@link SequenceScorer} serves: the GRU
 * over the user's last L items), at L = 50, 200 and 1,000 and batch 1 and 64, for the trained
 * artifacts' shape (d = 64, two layers) with random weights over a catalogue of N items (MovieLens:
 * 9,724). Both rank the whole catalogue on the device for the top 20 (no history excluded). Prints
 * the per-event FLOPs, computed (a GRU layer step: 12·d² for the input and hidden products; the
 * scores: 2·d·(N+1)), and the median sequences/s of three windows after a warm-up window. Run:
 * {@code java -cp ... Gru4RecIncrementalBenchmark [items] [seconds]}. Not a test: timings depend
 * on the machine and its thread count.
 */
public final class Gru4RecIncrementalBenchmark {

    private static final int DIM = 64;
    private static final int LAYERS = 2;
    private static final int DEPTH = 21; // top 20 and the padding row
    private static final int[] LENGTHS = {50, 200, 1000};
    private static final int[] BATCHES = {1, 64};

    private Gru4RecIncrementalBenchmark() {}

    public static void main(String[] args) {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 9724;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
        System.out.printf(Locale.ROOT, "GRU4Rec N = %d, d = %d, layers = %d, top %d, %s, libtorch threads %s, OMP_NUM_THREADS %s%n",
                items, DIM, LAYERS, DEPTH - 1, Engine.getInstance().defaultDevice(),
                System.getProperty("ai.djl.pytorch.num_threads", "default"), System.getenv("OMP_NUM_THREADS"));
        System.out.printf(Locale.ROOT, "%6s %6s %-12s %14s %14s %10s%n", "L", "batch", "path", "FLOP/event", "sequences/s",
                "ms/batch");
        Random random = new Random(1);
        for (int len : LENGTHS) {
            Engine.getInstance().setRandomSeed(1);
            try (NDManager m = NDManager.newBaseManager()) {
                SequenceModelBlock block = new SequenceModelBlock(
                        new EncoderConfig(EncoderConfig.Kind.GRU4REC, items, DIM, len, LAYERS, 1, 0f));
                block.initialize(m, DataType.FLOAT32, new Shape(1, len));
                SequenceScorer window = SequenceScorer.idOnly(block, m);
                Gru4RecStepper stepper = new Gru4RecStepper(block, m);
                for (int b : BATCHES) {
                    int[][] histories = new int[b][len];
                    List<Gru4RecStepper.Row> fresh = new ArrayList<>(b);
                    for (int[] h : histories) {
                        Arrays.setAll(h, i -> 1 + random.nextInt(items));
                        fresh.add(new Gru4RecStepper.Row(null, Arrays.copyOf(h, len - 1)));
                    }
                    float[][] carried = stepper.candidates(fresh, DEPTH).states().toArray(new float[0][]); // after all but the newest item
                    List<Gru4RecStepper.Row> steps = new ArrayList<>(b);
                    for (int r = 0; r < b; r++) {
                        steps.add(new Gru4RecStepper.Row(carried[r], new int[] {histories[r][len - 1]}));
                    }
                    StepRate.report(len, b, "re-encoding", flops(len, items), StepRate.rate(b, seconds, () -> window.candidates(histories, DEPTH)));
                    StepRate.report(len, b, "incremental", flops(1, items), StepRate.rate(b, seconds, () -> stepper.candidates(steps, DEPTH)));
                }
            }
        }
    }

    /** FLOPs per event for {@code steps} recurrent steps through every layer, then scoring the catalogue. */
    static long flops(int steps, int items) {
        return (long) steps * LAYERS * 12L * DIM * DIM + 2L * DIM * (items + 1);
    }
}
