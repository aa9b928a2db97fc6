package dev.streamrec.jobs.bench;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.local.LocalMode;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.jobs.local.EventReplayer;
import dev.streamrec.jobs.local.LocalStack;
import dev.streamrec.jobs.local.OutputMonitor;
import dev.streamrec.jobs.local.ReplayEvents;
import dev.streamrec.jobs.local.ReplayRun;
import dev.streamrec.jobs.scoring.ScoringOperator;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.ProgressBar;
import dev.streamrec.model.data.Interaction;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code streamrec.jar bench e2e}: sustained throughput and event-to-prediction latency through the
 * embedded broker and MiniCluster, on the MovieLens replay or a generated Zipf workload, and the
 * RocksDB state size per user and per kept event (from the checkpoint directory), and where the
 * CPU went in the measured window ({@link ThreadCpuSampler}).
 */
public final class EndToEndBenchmark {

    private EndToEndBenchmark() {}

    static CommandOptions options(PrintStream out) {
        CommandOptions c = CommandOptions.command("e2e", "Sustained throughput and event-to-prediction latency through "
                        + "the embedded broker and MiniCluster, state size, and where the CPU went.", a -> run(a, out))
                .text("workload", "movielens", "movielens|zipf", "The MovieLens replay, or a generated Zipf workload.")
                .path("data", null, "movielens workload: MovieLens directory or interactions CSV (default: bundled).")
                .integer("passes", 1, "movielens workload: replay the log this many times (user ids suffixed).")
                .integer("max-events", 0, "Send only the first N events (0 = all).")
                .text("rate", "max", "R|max", "Send rate in events/s.")
                .integer("warmup", 0, "Events before the measured window.")
                .flag("preload", false, "Every event on the topic before the job starts (no producer competing for the cores).")
                .decimal("paired", 0, "Model-only rates of the same models and batch in S-second windows just before "
                        + "and after the run (0 = none).")
                .examples("streamrec.jar bench e2e --models sasrec --max-events 50000 --warmup 10000",
                        "streamrec.jar bench e2e --workload zipf --artifact zipf-sasrec -Dscoring.batch-size=256");
        LocalMode.declareJobOptions(c);
        return ZipfWorkload.declare(c);
    }

    static int run(CliArgs args, PrintStream out) throws Exception {
        Configuration conf = LocalMode.configuration(args);
        String workload = args.get("workload");
        List<Interaction> interactions = workload.equals("zipf")
                ? ZipfWorkload.generate(args)
                : ReplayEvents.repeated(ReplayEvents.load(args.getPath("data")), args.getInt("passes"));
        List<byte[]> events = ReplayEvents.encode(interactions, args.getInt("max-events"));
        String speed = args.get("rate");
        double rate = speed.equals("max") ? 0 : Double.parseDouble(speed);

        // --paired S: model-only rates of the same models and batch size (median of 3 windows of S
        // seconds) right before and after the run: a shared machine's speed drifts within the hour,
        // so the end-to-end/model-only ratio is only meaningful between runs minutes apart.
        // Model-only over the sequences the measured events carry (up to 20,000 of them).
        double pairedSeconds = args.getDouble("paired");
        List<Interaction> replayed = interactions.subList(0, events.size());
        int warmup = Math.min(args.getInt("warmup"), events.size());
        List<List<String>> measuredHistories = pairedSeconds > 0
                ? ModelBenchmark.requestHistories(replayed, warmup, conf.get(JobOptions.SEQUENCE_MAX_LENGTH),
                        ModelBenchmark.MEASURED_HISTORIES)
                : List.of();
        Map<String, Double> before = pairedSeconds > 0
                ? ModelBenchmark.medianRates(conf, measuredHistories, pairedSeconds, 3) : Map.of();

        ReplayRun.Result r;
        long stateBytes;
        // --preload: every event is on the topic before the job starts, so no producer competes with
        // the job for the cores and the rate is the job's own (latency is then backlog, not service).
        boolean preload = args.getBoolean("preload");
        try (LocalStack stack = LocalStack.start(conf, 0, out, bootstrap -> {
            if (preload) {
                EventReplayer.replay(KafkaClientProperties.from(conf), conf.get(JobOptions.TOPIC_INTERACTIONS), replayed, events, 0,
                        new ProgressBar(out, "preload", events.size()), () -> 0L);
            }
        }); ThreadCpuSampler cpu = ThreadCpuSampler.start(1000)) {
            r = ReplayRun.run(stack.job(), conf, replayed, events,
                    new ReplayRun.Options(rate, preload, warmup), out);
            if (r.failed()) {
                out.println("The benchmark run stopped early: " + r.jobFailure());
                return 1;
            }
            out.println();
            cpu.report(r.measuredFromMillis(), r.measuredToMillis(), 20, out);
            printLatencyOverTime(r, out);
            Thread.sleep(2 * conf.get(JobOptions.CHECKPOINT_INTERVAL).toMillis() + 500);
            stateBytes = latestCheckpointBytes(Path.of(URI.create(conf.get(JobOptions.CHECKPOINT_DIR))));
        }
        Map<String, Double> after = pairedSeconds > 0
                ? ModelBenchmark.medianRates(conf, measuredHistories, pairedSeconds, 3) : Map.of();
        Map<String, Integer> perUser = new HashMap<>();
        for (Interaction i : replayed) {
            perUser.merge(i.userId(), 1, Integer::sum);
        }
        int maxLen = conf.get(JobOptions.SEQUENCE_MAX_LENGTH);
        long kept = perUser.values().stream().mapToLong(n -> Math.min(n, maxLen)).sum();

        out.println();
        out.printf(Locale.ROOT, "%-10s %-28s %-13s %9s %8s %10s %9s %9s %12s %12s%n", "workload", "models", "delivery",
                "events", "rate", "events/s", "p50 ms", "p99 ms", "state B/user", "B/kept evt");
        out.printf(Locale.ROOT, "%-10s %-28s %-13s %,9d %8s %,10.0f %,9d %,9d %,12.0f %,12.1f%n", workload,
                String.join(",", conf.get(JobOptions.MODELS)), conf.get(JobOptions.DELIVERY), r.events(),
                (preload ? "preload" : speed) + (r.warmupEvents() > 0 ? "+w" : ""),
                r.eventsPerSecond(), r.p50(), r.p99(), (double) stateBytes / perUser.size(), (double) stateBytes / kept);
        out.println("(events/s and latency over the events after the first " + r.warmupEvents() + " (warm-up);"
                + " state = size of the last completed checkpoint incl. shared RocksDB files; batch size "
                + conf.get(JobOptions.BATCH_SIZE) + ", checkpoint " + conf.get(JobOptions.CHECKPOINT_INTERVAL).toMillis()
                + " ms, parallelism " + conf.get(JobOptions.PARALLELISM) + ", inference threads per batch "
                + ScoringOperator.inferenceThreads(conf.get(JobOptions.INFERENCE_THREADS), conf.get(JobOptions.DEVICE),
                        Runtime.getRuntime().availableProcessors(), conf.get(JobOptions.PARALLELISM)) + ")");
        if (pairedSeconds > 0) {
            printPaired(before, after, r.eventsPerSecond(), conf.get(JobOptions.BATCH_SIZE), out);
        }
        return 0;
    }

    /**
     * The end-to-end rate against the model-only rates measured just before and after it, at the
     * same batch size; with several models, every event is scored by each, so their model-only rate
     * together is 1 / the sum of 1/rate.
     */
    private static void printPaired(Map<String, Double> before, Map<String, Double> after, double endToEnd,
            int batch, PrintStream out) {
        double secondsBefore = 0;
        double secondsAfter = 0;
        for (String model : before.keySet()) {
            out.printf(Locale.ROOT, "model-only %s at batch %d: %,.0f before, %,.0f after (sequences/s)%n",
                    model, batch, before.get(model), after.get(model));
            secondsBefore += 1 / before.get(model);
            secondsAfter += 1 / after.get(model);
        }
        double lo = Math.min(1 / secondsBefore, 1 / secondsAfter);
        double hi = Math.max(1 / secondsBefore, 1 / secondsAfter);
        out.printf(Locale.ROOT, "end to end %,.0f events/s = %.0f%% of model-only (%.0f%%-%.0f%% of the slower/faster)%n",
                endToEnd, 200 * endToEnd / (lo + hi), 100 * endToEnd / hi, 100 * endToEnd / lo);
    }

    /**
     * Where the latency came from: p99 per five seconds of the measurement, and the eight seconds
     * with the slowest predictions.
     */
    private static void printLatencyOverTime(ReplayRun.Result r, PrintStream out) {
        List<OutputMonitor.SecondLatency> seconds = r.latencyBySecond();
        if (seconds.isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "p99 ms per 5 s from %tT.%<tL (in all / until the job emitted):", r.measuredFromMillis());
        for (int i = 0; i < seconds.size(); i += 5) {
            List<OutputMonitor.SecondLatency> five = seconds.subList(i, Math.min(seconds.size(), i + 5));
            out.print(" " + five.stream().mapToLong(OutputMonitor.SecondLatency::p99).max().orElse(0) + "/"
                    + five.stream().mapToLong(OutputMonitor.SecondLatency::p99InJob).max().orElse(0));
        }
        out.println();
        out.println("p99 until the job emitted: " + r.p99InJob() + " ms (the rest: sink, broker, read_committed consumer)");
        out.println("slowest seconds (offset s: predictions, p99 ms, max ms, p99 until emitted):");
        seconds.stream().sorted(Comparator.comparingLong(OutputMonitor.SecondLatency::max).reversed()).limit(8)
                .sorted(Comparator.comparingLong(OutputMonitor.SecondLatency::secondStartMillis))
                .forEach(s -> out.printf(Locale.ROOT, "  %7.1f s: %,6d  %,6d  %,6d  %,6d%n",
                        (s.secondStartMillis() - r.measuredFromMillis()) / 1000.0, s.predictions(), s.p99(), s.max(),
                        s.p99InJob()));
    }

    /** Bytes of the newest chk-N directory plus the shared incremental files it may reference. */
    static long latestCheckpointBytes(Path root) throws IOException {
        try (Stream<Path> jobs = Files.list(root)) {
            long total = 0;
            for (Path job : (Iterable<Path>) jobs::iterator) {
                Path latest = null;
                try (Stream<Path> s = Files.list(job)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        String n = p.getFileName().toString();
                        if (n.startsWith("chk-") && (latest == null
                                || Long.parseLong(n.substring(4)) > Long.parseLong(latest.getFileName().toString().substring(4)))) {
                            latest = p;
                        }
                    }
                }
                if (latest != null) {
                    total += size(latest) + size(job.resolve("shared"));
                }
            }
            return total;
        }
    }

    private static long size(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
