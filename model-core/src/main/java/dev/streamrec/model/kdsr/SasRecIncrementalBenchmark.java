package dev.streamrec.model.kdsr;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.BatchStepper;
import dev.streamrec.model.backbone.KeyValueCache;
import dev.streamrec.model.backbone.SasRecStepper;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.backbone.SequenceScorer;
import dev.streamrec.model.backbone.StepRate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Model-only cost of SASRec (rotary positions) per event, incremental ({@link SasRecStepper}: the
 * new position against each user's key/value cache) against re-encoding (what
 * {@link SequenceScorer} serves: the encoder over the user's last L items), at L = 50, 200 and
 * 1,000 and batch 1 and 64, for the trained artifacts' shape (d = 64, two layers, one head) with
 * random weights over a catalogue of N items (MovieLens: 9,724). Both rank the whole catalogue on
 * the device for the top 20. Prints, per L: the per-event FLOPs (computed, below) and the median
 * sequences/s of three windows after a warm-up window; the bytes of one user's state in each
 * {@link CacheEncoding} and the time to decode and encode it (what the stream moves per event);
 * and each compact encoding's effect on the scores: 64 users' caches after L-1 items, then 60
 * events served with the caches stored in that encoding between events, against float32: the
 * largest absolute score difference, the mean top-10 overlap, and the scores' standard deviation
 * over the catalogue for scale. Last, the incremental step at L = 50 and L = 200 (batch 64) timed
 * in turns, five rounds, with the ratio of their medians. Run: {@code java -cp ... SasRecIncrementalBenchmark [items]
 * [seconds] [artifact]}; with an artifact (a trained rotary SASRec) it measures only the
 * encodings' effect, on its weights and catalogue (random histories). Not a test: timings depend
 * on the machine and its thread count.
 */
public final class SasRecIncrementalBenchmark {

    private static final int DIM = 64;
    private static final int LAYERS = 2;
    private static final int DEPTH = 21; // top 20 and the padding row
    private static final int[] LENGTHS = {50, 200, 1000};
    private static final int[] BATCHES = {1, 64};
    private static final int ERROR_USERS = 64;
    private static final int ERROR_EVENTS = 60;
    private static final int ROUNDS = 5;

    private SasRecIncrementalBenchmark() {}

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 9724;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
        if (args.length > 2) {
            ModelArtifact artifact = ModelArtifact.load(Path.of(args[2]));
            try (KdsrArtifacts.LoadedSequenceModel loaded = KdsrArtifacts.loadSequenceModel(artifact, Device.cpu())) {
                EncoderConfig c = loaded.block().config();
                System.out.printf(Locale.ROOT, "%s (%s): N = %d, d = %d, L = %d, layers = %d%n", artifact.dir(), c.positions().id(),
                        c.numItems(), c.dim(), c.maxLen(), c.layers());
                encodingErrors(new SasRecStepper(loaded.block(), loaded.model().getNDManager()), new Random(1), c.maxLen(),
                        c.numItems(), c.layers(), c.dim());
            }
            return;
        }
        System.out.printf(Locale.ROOT, "SASRec (rotary) N = %d, d = %d, layers = %d, top %d, %s, libtorch threads %s, OMP_NUM_THREADS %s%n",
                items, DIM, LAYERS, DEPTH - 1, Engine.getInstance().defaultDevice(),
                System.getProperty("ai.djl.pytorch.num_threads", "default"), System.getenv("OMP_NUM_THREADS"));
        Random random = new Random(1);
        for (int len : LENGTHS) {
            Engine.getInstance().setRandomSeed(1);
            try (NDManager m = NDManager.newBaseManager()) {
                SequenceModelBlock block = new SequenceModelBlock(new EncoderConfig(EncoderConfig.Kind.SASREC, items, DIM, len,
                        LAYERS, 1, 0f, EncoderConfig.Positions.ROTARY));
                block.initialize(m, DataType.FLOAT32, new Shape(1, len));
                SequenceScorer window = SequenceScorer.idOnly(block, m);
                SasRecStepper stepper = new SasRecStepper(block, m);
                System.out.printf(Locale.ROOT, "%n%6s %6s %-12s %14s %14s %10s%n", "L", "batch", "path", "FLOP/event",
                        "sequences/s", "ms/batch");
                KeyValueCache[] last = null;
                for (int b : BATCHES) {
                    int[][] histories = histories(random, b, len, items);
                    KeyValueCache[] carried = asServed(stepper, prefill(stepper, histories));
                    List<SasRecStepper.Row> steps = new ArrayList<>(b);
                    for (int r = 0; r < b; r++) {
                        steps.add(new SasRecStepper.Row(carried[r], new int[] {histories[r][len - 1]}));
                    }
                    StepRate.report(len, b, "re-encoding", reEncodingFlops(len, items), StepRate.rate(b, seconds, () -> window.candidates(histories, DEPTH)));
                    StepRate.report(len, b, "incremental", incrementalFlops(len, items), StepRate.rate(b, seconds, () -> stepper.candidates(steps, DEPTH)));
                    last = carried;
                }
                stateSizes(len, last[0], seconds);
                if (len <= 200) {
                    encodingErrors(stepper, random, len, items, LAYERS, DIM);
                }
            }
        }
        alternating(items, seconds);
    }

    /**
     * The incremental step at L = 50 and L = 200, batch 64, timed in turns ({@value #ROUNDS} rounds,
     * each a {@link StepRate#rate} of either), so that both see the same state of the machine; prints
     * each round's ms per batch, the medians and their ratio.
     */
    private static void alternating(int items, double seconds) {
        int batch = 64;
        int[] lengths = {50, 200};
        Random random = new Random(2);
        double[][] ms = new double[lengths.length][ROUNDS];
        try (NDManager m = NDManager.newBaseManager()) {
            List<Supplier<?>> calls = new ArrayList<>();
            String kernels = null;
            for (int len : lengths) {
                Engine.getInstance().setRandomSeed(1);
                SequenceModelBlock block = new SequenceModelBlock(new EncoderConfig(EncoderConfig.Kind.SASREC, items, DIM, len,
                        LAYERS, 1, 0f, EncoderConfig.Positions.ROTARY));
                block.initialize(m, DataType.FLOAT32, new Shape(1, len));
                SasRecStepper stepper = new SasRecStepper(block, m);
                kernels = stepper.attentionKernels();
                int[][] histories = histories(random, batch, len, items);
                KeyValueCache[] carried = asServed(stepper, prefill(stepper, histories));
                List<SasRecStepper.Row> steps = new ArrayList<>(batch);
                for (int r = 0; r < batch; r++) {
                    steps.add(new SasRecStepper.Row(carried[r], new int[] {histories[r][len - 1]}));
                }
                calls.add(() -> stepper.candidates(steps, DEPTH));
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (int l = 0; l < lengths.length; l++) {
                    ms[l][round] = 1000.0 * batch / StepRate.rate(batch, seconds, calls.get(l));
                }
            }
            System.out.printf(Locale.ROOT, "%nincremental, batch %d, L = 50 and L = 200 in turns, %d rounds (attention: %s)%n",
                    batch, ROUNDS, kernels);
        }
        double[] medians = new double[lengths.length];
        for (int l = 0; l < lengths.length; l++) {
            System.out.printf(Locale.ROOT, "L = %4d ms/batch %s", lengths[l], Arrays.toString(Arrays.stream(ms[l])
                    .mapToObj(x -> String.format(Locale.ROOT, "%.2f", x)).toArray()));
            double[] sorted = ms[l].clone();
            Arrays.sort(sorted);
            medians[l] = sorted[ROUNDS / 2];
            System.out.printf(Locale.ROOT, "  median %.2f%n", medians[l]);
        }
        System.out.printf(Locale.ROOT, "L = 200 / L = 50: %+.0f%%%n", 100 * (medians[1] / medians[0] - 1));
    }

    private static int[][] histories(Random random, int users, int len, int items) {
        int[][] h = new int[users][len];
        for (int[] row : h) {
            Arrays.setAll(row, i -> 1 + random.nextInt(items));
        }
        return h;
    }

    /** The caches after all but each history's newest item. */
    private static KeyValueCache[] prefill(SasRecStepper stepper, int[][] histories) {
        List<SasRecStepper.Row> fresh = new ArrayList<>(histories.length);
        for (int[] h : histories) {
            fresh.add(new SasRecStepper.Row(null, Arrays.copyOf(h, h.length - 1)));
        }
        return stepper.candidates(fresh, DEPTH).states().toArray(new KeyValueCache[0]);
    }

    /**
     * The caches as the server reads them from the stream's state: stored in the
     * {@link CacheEncoding#DEFAULT} encoding and read back (float16: caches that hold halves).
     */
    private static KeyValueCache[] asServed(SasRecStepper stepper, KeyValueCache[] caches) {
        KeyValueCache[] out = new KeyValueCache[caches.length];
        for (int r = 0; r < caches.length; r++) {
            out[r] = SasRecUserState.decode(new SasRecUserState("t", caches[r]).encode(CacheEncoding.DEFAULT), "t",
                    stepper.slots(), stepper.cachedLayers(), stepper.dim()).cache();
        }
        return out;
    }

    /**
     * The window encoder per event: every layer projects L positions (q, k, v, output: 8·d², the
     * feed-forward 4·d²) and attends over the full L×L (4·L²·d), then the catalogue's scores.
     */
    static long reEncodingFlops(int len, int items) {
        return LAYERS * (12L * DIM * DIM * len + 4L * len * len * DIM) + 2L * DIM * (items + 1);
    }

    /**
     * The incremental step: one position through every layer (12·d², less the first layer's key and
     * value projections, 4·d², gathered from per-item tables), its attention over L keys (4·L·d),
     * and in the first layer the query turned by each of the L-1 offsets (3·L·d: the layers above
     * cache their keys rotated), then the catalogue's scores.
     */
    static long incrementalFlops(int len, int items) {
        return LAYERS * (12L * DIM * DIM + 4L * len * DIM) + 3L * len * DIM - 4L * DIM * DIM + 2L * DIM * (items + 1);
    }

    /** One full user's state in each encoding: bytes, and the median µs to encode and decode it. */
    private static void stateSizes(int len, KeyValueCache cache, double seconds) {
        String tag = "0".repeat(64); // a sha256
        System.out.printf(Locale.ROOT, "%6s %-9s %12s %14s%n", "L", "encoding", "state bytes", "codec µs/user");
        for (CacheEncoding e : CacheEncoding.values()) {
            SasRecUserState state = new SasRecUserState(tag, cache);
            byte[] bytes = state.encode(e);
            double perSecond = StepRate.rate(1, seconds / 2, () -> SasRecUserState.decode(state.encode(e), tag, len - 1, LAYERS - 1, DIM));
            System.out.printf(Locale.ROOT, "%6d %-9s %,12d %14.1f%n", len, e.id(), bytes.length, 1e6 / perSecond);
        }
    }

    /** Each compact encoding against float32 over {@link #ERROR_EVENTS} events of {@link #ERROR_USERS} users. */
    private static void encodingErrors(SasRecStepper stepper, Random random, int len, int items, int layers, int dim) {
        int[][] histories = histories(random, ERROR_USERS, len, items);
        KeyValueCache[] start = prefill(stepper, histories);
        int[][] events = histories(random, ERROR_USERS, ERROR_EVENTS, items);
        String tag = "t";
        List<float[][]> exact = stream(stepper, start, events, CacheEncoding.FLOAT32, tag, len, layers, dim);
        double spread = 0;
        for (float[][] scores : exact) {
            for (float[] row : scores) {
                spread += std(row) / (exact.size() * (double) ERROR_USERS);
            }
        }
        System.out.printf(Locale.ROOT, "%6s %-9s %16s %14s %16s%n", "L", "encoding", "max |score diff|", "top-10 overlap",
                "score std (f32)");
        for (CacheEncoding e : List.of(CacheEncoding.FLOAT16, CacheEncoding.INT8)) {
            List<float[][]> approx = stream(stepper, start, events, e, tag, len, layers, dim);
            double maxDiff = 0;
            double overlap = 0;
            for (int s = 0; s < exact.size(); s++) {
                for (int r = 0; r < ERROR_USERS; r++) {
                    float[] a = exact.get(s)[r];
                    float[] b = approx.get(s)[r];
                    for (int i = 1; i < a.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                    }
                    Set<Integer> top = top10(a);
                    top.retainAll(top10(b));
                    overlap += top.size() / 10.0;
                }
            }
            System.out.printf(Locale.ROOT, "%6d %-9s %16.2e %14.4f %16.3f%n", len, e.id(), maxDiff,
                    overlap / (exact.size() * ERROR_USERS), spread);
        }
    }

    /** The score rows of every event, the caches stored in {@code encoding} between events. */
    private static List<float[][]> stream(SasRecStepper stepper, KeyValueCache[] start, int[][] events,
            CacheEncoding encoding, String tag, int len, int layers, int dim) {
        KeyValueCache[] caches = start.clone();
        List<float[][]> out = new ArrayList<>();
        for (int t = 0; t < events[0].length; t++) {
            List<SasRecStepper.Row> rows = new ArrayList<>();
            for (int r = 0; r < caches.length; r++) {
                KeyValueCache stored = SasRecUserState.decode(new SasRecUserState(tag, caches[r]).encode(encoding),
                        tag, len - 1, layers - 1, dim).cache();
                rows.add(new SasRecStepper.Row(stored, new int[] {events[r][t]}));
            }
            BatchStepper.Scored<KeyValueCache> scored = stepper.scores(rows);
            caches = scored.states().toArray(new KeyValueCache[0]);
            out.add(scored.scores());
        }
        return out;
    }

    private static Set<Integer> top10(float[] scores) {
        Integer[] order = new Integer[scores.length - 1];
        Arrays.setAll(order, i -> i + 1);
        Arrays.sort(order, (x, y) -> Float.compare(scores[y], scores[x]));
        return new HashSet<>(Arrays.asList(order).subList(0, 10));
    }

    private static double std(float[] x) {
        double mean = 0;
        for (int i = 1; i < x.length; i++) {
            mean += x[i] / (x.length - 1);
        }
        double var = 0;
        for (int i = 1; i < x.length; i++) {
            var += (x[i] - mean) * (x[i] - mean) / (x.length - 1);
        }
        return Math.sqrt(var);
    }
}
