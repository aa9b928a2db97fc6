package dev.streamrec.jobs.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.local.LocalMode;
import dev.streamrec.jobs.scoring.BatchInference;
import dev.streamrec.jobs.scoring.RecommenderFactory;
import dev.streamrec.jobs.scoring.ScoringOperator;
import dev.streamrec.jobs.scoring.ServedModel;
import dev.streamrec.jobs.scoring.ServingModels;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.model.data.SequenceDataset;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.LearnsOnline;
import dev.streamrec.model.serving.SlicedBatches;
import org.apache.flink.configuration.Configuration;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code streamrec.jar bench model}: model-only throughput (sequences/s) of every configured model
 * at several batch sizes on MovieLens histories (last 50 items, whole-catalogue top-K) or, with
 * {@code --workload zipf}, on the sequences the generated Zipf workload's events carry, next to the
 * machine's measured float32 matmul rate, so forward efficiency can be judged. Each batch size is
 * warmed up for one window, then measured over {@code --repeats} windows of {@code --seconds}: the
 * table shows the median and the range (single short windows vary a lot on a shared machine).
 * With {@code scoring.inference-threads} above 1, models that allow it score each batch in that many
 * single-threaded slices at once, as the scoring operator does. This table measures the forward
 * without per-user state; the runs paired with {@code bench e2e} ({@link #medianRates}) make the
 * calls the job makes, per-user state included, on the end-to-end run's own sequences.
 */
public final class ModelBenchmark {

    /** The most request histories a workload's model-only run scores ({@link #requestHistories}). */
    static final int MEASURED_HISTORIES = 20_000;

    private ModelBenchmark() {}

    static CommandOptions options(PrintStream out) {
        CommandOptions c = CommandOptions.command("model", "Model-only throughput (sequences/s) of every configured "
                        + "model at several batch sizes, next to this machine's matmul rate.", a -> run(a, out))
                .list("batches", "B", "1,32,256", "Batch sizes measured.")
                .decimal("seconds", 3.0, "Length of one measured window.")
                .integer("repeats", 5, "Measured windows per batch size (median and range).")
                .text("workload", "movielens", "movielens|zipf", "MovieLens histories (last 50 items), or the "
                        + "sequences the Zipf workload's events carry.")
                .integer("warmup", 0, "Zipf workload: the histories of the events from N on.")
                .examples("streamrec.jar bench model --models sasrec,bm3 --batches 1,64",
                        "streamrec.jar bench model --workload zipf --models sasrec --artifact zipf-sasrec");
        LocalMode.declareJobOptions(c);
        return ZipfWorkload.declare(c);
    }

    static int run(CliArgs args, PrintStream out) throws Exception {
        Configuration conf = LocalMode.configuration(args);
        int[] batches = args.getList("batches").stream().mapToInt(Integer::parseInt).toArray();
        double seconds = args.getDouble("seconds");
        int repeats = Math.max(1, args.getInt("repeats"));
        int topK = conf.get(JobOptions.TOP_K);

        int maxLen = conf.get(JobOptions.SEQUENCE_MAX_LENGTH);
        String workload = args.get("workload");
        List<List<String>> histories = switch (workload) {
            case "movielens" -> movieLensHistories(maxLen);
            case "zipf" -> {
                List<Interaction> events = ZipfWorkload.generate(args);
                yield requestHistories(events, Math.min(args.getInt("warmup"), events.size()), maxLen,
                        MEASURED_HISTORIES);
            }
            default -> throw new IllegalArgumentException("unknown workload " + workload + " (movielens|zipf)");
        };
        out.printf(Locale.ROOT, "workload %s: %,d sequences, mean length %.1f%n", workload, histories.size(),
                histories.stream().mapToInt(List::size).average().orElse(0));
        out.printf(Locale.ROOT, "matmul float32 [1024x1024]x[1024x1024]: %.0f GFLOP/s (DJL, this machine)%n", matmulGflops());
        out.printf(Locale.ROOT, "%-14s %-30s %6s %14s %10s %10s %12s%n", "model", "version", "batch", "sequences/s",
                "min", "max", "ms/batch");
        int threads = sliceThreads(conf);
        if (threads > 1) {
            out.printf(Locale.ROOT, "batches split into %d slices on %d threads, one libtorch thread each "
                    + "(models that allow it)%n", threads, threads);
        }
        forEachServed(conf, histories, false, (model, score, stateful) -> {
            for (int b : batches) {
                double[] rates = measure(score, stateful, histories, b, topK, seconds, repeats);
                double median = rates[rates.length / 2];
                out.printf(Locale.ROOT, "%-14s %-30s %6d %,14.0f %,10.0f %,10.0f %12.2f%n", model.name(),
                        model.version(), b, median, rates[0], rates[rates.length - 1], 1000.0 * b / median);
            }
        });
        return 0;
    }

    /**
     * Model-only sequences/s (median of {@code repeats} windows) of every model {@code conf} serves,
     * at the configured batch size and inference threads, over {@code histories} (those the measured
     * events of the end-to-end run carry, {@link #requestHistories}): what {@code bench e2e --paired}
     * measures right before and after the end-to-end run, so that the ratio compares runs minutes
     * apart on the same sequences.
     */
    static Map<String, Double> medianRates(Configuration conf, List<List<String>> histories, double seconds,
            int repeats) throws Exception {
        Map<String, Double> rates = new LinkedHashMap<>();
        forEachServed(conf, histories, conf.get(JobOptions.USER_STATE), (model, score, stateful) -> {
            double[] r = measure(score, stateful, histories, conf.get(JobOptions.BATCH_SIZE),
                    conf.get(JobOptions.TOP_K), seconds, repeats);
            rates.put(model.name(), r[r.length / 2]);
        });
        return rates;
    }

    /** Slices per batch, as one scoring slot that has the machine to itself would cut them. */
    private static int sliceThreads(Configuration conf) {
        return ScoringOperator.inferenceThreads(conf.get(JobOptions.INFERENCE_THREADS),
                conf.get(JobOptions.DEVICE), Runtime.getRuntime().availableProcessors(), 1);
    }

    /** What is measured of one served model, given how the scoring operator would score its batches. */
    private interface Measurement {
        /** @param stateful whether {@code score} passes per-user state as the job would */
        void measure(ServedModel model, Function<List<RecommendRequest>, List<Answer>> score, boolean stateful);
    }

    /**
     * Loads every model {@code conf} serves and hands each, warmed, to {@code run}, scored as the
     * scoring operator scores it ({@link BatchInference#scorer}); with {@code userState}, models that
     * keep per-user state get it, as in the job.
     */
    private static void forEachServed(Configuration conf, List<List<String>> histories, boolean userState,
            Measurement run) throws Exception {
        try (ServingModels serving = new RecommenderFactory(conf).create(System.currentTimeMillis());
                SlicedBatches slices = new SlicedBatches(sliceThreads(conf), "bench-slice")) {
            for (ServedModel model : serving.all()) {
                model.learner().ifPresent(learner -> warm(learner, histories));
                boolean stateful = userState && model.userState().isPresent();
                run.measure(model, BatchInference.scorer(model, stateful, slices), stateful);
            }
        }
    }

    /** Warms the incremental baselines with the data so they have something to rank. */
    private static void warm(LearnsOnline model, List<List<String>> histories) {
        for (List<String> h : histories) {
            for (int i = 0; i < h.size(); i++) {
                model.observe("u", h.subList(0, i), h.get(i), i);
            }
        }
    }

    /**
     * Sequences/s in each of {@code repeats} windows (sorted), after a warm-up window. Successive
     * calls score successive slices of the histories (cycling), as a stream would, not one batch again.
     * With {@code stateful}, each request carries the state its user would have stored after the
     * previous event (the answer to the history without its newest item), as the job's requests do.
     */
    static double[] measure(Function<List<RecommendRequest>, List<Answer>> model, boolean stateful,
            List<List<String>> histories, int batch, int topK, double seconds, int repeats) {
        int distinctCalls = Math.max(1, Math.min(8, (histories.size() + batch - 1) / batch));
        List<List<RecommendRequest>> calls = new ArrayList<>(distinctCalls);
        long slots = (long) distinctCalls * batch;
        for (int c = 0, next = 0; c < distinctCalls; c++) {
            List<RecommendRequest> requests = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++, next++) {
                // spread over all the histories when there are more than the calls take
                int h = slots >= histories.size() ? next % histories.size() : (int) (next * histories.size() / slots);
                List<String> history = histories.get(h);
                byte[] stored = null;
                if (stateful && history.size() > 1) {
                    stored = model.apply(List.of(new RecommendRequest("u" + next,
                            history.subList(0, history.size() - 1), topK, true))).get(0).userState();
                }
                requests.add(new RecommendRequest("u" + next, history, topK, true, stored));
            }
            calls.add(requests);
        }
        window(model, calls, seconds);
        double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            rates[r] = window(model, calls, seconds);
        }
        Arrays.sort(rates);
        return rates;
    }

    private static double window(Function<List<RecommendRequest>, List<Answer>> model,
            List<List<RecommendRequest>> calls, double seconds) {
        long n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        for (int c = 0; System.nanoTime() < end; c = (c + 1) % calls.size()) {
            model.apply(calls.get(c));
            n += calls.get(c).size();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * The history that the job's request for each event from {@code from} on carries: the user's
     * newest {@code maxLen} items up to and including the event (events in replay order), at most
     * {@code limit} of them, evenly spread. A workload's own sequences matter: its items may be
     * unknown to another dataset's histories, and some models' cost follows the history's length.
     */
    static List<List<String>> requestHistories(List<Interaction> events, int from, int maxLen, int limit) {
        int stride = Math.max(1, (events.size() - from + limit - 1) / Math.max(1, limit));
        Map<String, ArrayDeque<String>> recent = new HashMap<>();
        List<List<String>> out = new ArrayList<>();
        for (int e = 0; e < events.size(); e++) {
            Interaction i = events.get(e);
            ArrayDeque<String> h = recent.computeIfAbsent(i.userId(), u -> new ArrayDeque<>());
            h.addLast(i.itemId());
            if (h.size() > maxLen) {
                h.removeFirst();
            }
            if (e >= from && (e - from) % stride == 0) {
                out.add(new ArrayList<>(h));
            }
        }
        return out;
    }

    static List<List<String>> movieLensHistories(int maxLen) throws Exception {
        SequenceDataset ds = SequenceDataset.of(MovieLens.bundled().interactions());
        List<List<String>> out = new ArrayList<>();
        for (int u = 0; u < ds.numUsers(); u++) {
            int[] s = ds.sequence(u);
            List<String> h = new ArrayList<>();
            for (int i = Math.max(0, s.length - maxLen); i < s.length; i++) {
                h.add(ds.items().idAt(s[i]));
            }
            out.add(h);
        }
        return out;
    }

    /** Median of 5 timed [1024x1024] x [1024x1024] float32 products, in GFLOP/s. */
    static double matmulGflops() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomUniform(0f, 1f, new Shape(1024, 1024));
            NDArray b = m.randomUniform(0f, 1f, new Shape(1024, 1024));
            double[] rates = new double[5];
            for (int r = -2; r < rates.length; r++) {
                long t = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.toFloatArray();
                }
                if (r >= 0) {
                    rates[r] = 2.0 * 1024 * 1024 * 1024 / ((System.nanoTime() - t) / 1e9) / 1e9;
                }
            }
            Arrays.sort(rates);
            return rates[rates.length / 2];
        }
    }
}
