package dev.streamrec.jobs.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.local.LocalMode;
import dev.streamrec.jobs.scoring.RecommenderFactory;
import dev.streamrec.jobs.scoring.ServingModels;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.model.data.SequenceDataset;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import org.apache.flink.configuration.Configuration;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code streamrec.jar bench model}: model-only throughput (sequences/s) of every configured model
 * at several batch sizes on MovieLens histories (last 50 items, whole-catalogue top-K), next to the
 * machine's measured float32 matmul rate, so forward efficiency can be judged.
 */
public final class ModelBenchmark {

    private ModelBenchmark() {}

    public static int run(List<String> argv, PrintStream out) throws Exception {
        CliArgs args = CliArgs.parse(argv);
        Configuration conf = LocalMode.configuration(args);
        int[] batches = Arrays.stream(args.get("batches", "1,32,256").split(",")).mapToInt(Integer::parseInt).toArray();
        double seconds = args.getDouble("seconds", 3.0);
        int topK = conf.get(JobOptions.TOP_K);

        List<List<String>> histories = movieLensHistories(conf.get(JobOptions.SEQUENCE_MAX_LENGTH));
        out.printf(Locale.ROOT, "matmul float32 [1024x1024]x[1024x1024]: %.0f GFLOP/s (DJL, this machine)%n", matmulGflops());
        out.printf(Locale.ROOT, "%-14s %-30s %6s %14s %12s%n", "model", "version", "batch", "sequences/s", "ms/batch");
        try (ServingModels serving = new RecommenderFactory(conf).create(System.currentTimeMillis())) {
            for (Recommender model : serving.all()) {
                // Warm the incremental baselines with the data so they have something to rank.
                for (List<String> h : histories) {
                    for (int i = 0; i < h.size(); i++) {
                        model.observe("u", h.subList(0, i), h.get(i), i);
                    }
                }
                for (int b : batches) {
                    double rate = measure(model, histories, b, topK, seconds);
                    out.printf(Locale.ROOT, "%-14s %-30s %6d %,14.0f %12.2f%n", model.name(), model.version(), b, rate,
                            1000.0 * b / rate);
                }
            }
        }
        return 0;
    }

    static double measure(Recommender model, List<List<String>> histories, int batch, int topK, double seconds) {
        List<RecommendRequest> requests = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            requests.add(new RecommendRequest("u" + i, histories.get(i % histories.size()), topK, true));
        }
        for (int w = 0; w < 3; w++) {
            model.recommend(requests);
        }
        long n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            model.recommend(requests);
            n += batch;
        }
        return n / ((System.nanoTime() - start) / 1e9);
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
