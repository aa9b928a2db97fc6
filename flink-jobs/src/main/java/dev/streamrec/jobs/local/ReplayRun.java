package dev.streamrec.jobs.local;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.model.cli.ProgressBar;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.schema.event.EvalMetrics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Replays events into a running job and waits until every accepted event has been answered by
 * every model (or nothing new arrived for 30 s, or the job stopped: then with why), then for the
 * final evaluation; measures what an outside read_committed consumer sees. Shared by the local
 * mode and the end-to-end benchmark.
 */
public final class ReplayRun {

    /**
     * What one replay measured; the rate and latencies cover the events after the warm-up. p50/p99
     * are end to end (ingest into Kafka to visible to a read_committed consumer), processing p50/p99
     * the job's own part (its source reading the event to the prediction's emit; -1 when predictions
     * do not carry it); afterCut the evaluation over the events at or after the job's cut (empty without one).
     */
    public record Result(long events, long predictions, long deadLetters, double seconds, long p50, long p99,
            Map<String, EvalMetrics> eval, List<EvalMetrics> windows, long warmupEvents, long measuredFromMillis,
            long measuredToMillis, List<OutputMonitor.SecondLatency> latencyBySecond, long p99InJob,
            String jobFailure, Map<String, EvalMetrics> afterCut, long processingP50, long processingP99) {

        public double eventsPerSecond() {
            return seconds > 0 ? (events - warmupEvents - deadLetters) / seconds : 0.0;
        }

        /** Whether the job stopped before answering everything (see {@link #jobFailure}, else null). */
        public boolean failed() {
            return jobFailure != null;
        }
    }

    /**
     * How to replay: {@code rate} events/s (0 = as fast as possible); {@code preloaded}: the events
     * are already on the topic (written before the job started), nothing is replayed and the clock
     * starts at the first prediction, so no producer competes for the cores; the first
     * {@code warmupEvents} events are answered but not measured (JIT, caches).
     */
    public record Options(double rate, boolean preloaded, int warmupEvents) {}

    private static final long IDLE_LIMIT_MS = 30_000;

    private ReplayRun() {}

    public static Result run(JobClient job, Configuration conf, List<Interaction> interactions, List<byte[]> events,
            double rate, PrintStream out) throws Exception {
        return run(job, conf, interactions, events, new Options(rate, false, 0), out);
    }

    public static Result run(JobClient job, Configuration conf, List<Interaction> interactions, List<byte[]> events,
            Options options, PrintStream out) throws Exception {
        int models = conf.get(JobOptions.MODELS).size();
        KafkaClientProperties kafka = KafkaClientProperties.from(conf);
        try (OutputMonitor monitor = new OutputMonitor(kafka, conf.get(JobOptions.TOPIC_PREDICTIONS),
                conf.get(JobOptions.TOPIC_DEAD_LETTERS), conf.get(JobOptions.TOPIC_EVAL_METRICS))
                .warmup((long) options.warmupEvents() * models).start()) {
            long start = options.preloaded() ? -1 : EventReplayer.replay(kafka,
                    conf.get(JobOptions.TOPIC_INTERACTIONS), interactions, events, options.rate(),
                    new ProgressBar(out, "replay", events.size()), monitor::predictions);
            ProgressBar answered = new ProgressBar(out, "predict", (long) events.size() * models);
            long lastChange = System.currentTimeMillis();
            long lastStatusCheck = lastChange;
            long seen = -1;
            String failure = null;
            while (true) {
                long p = monitor.predictions();
                answered.update(p, "dead letters " + monitor.deadLetters());
                if (p >= (events.size() - monitor.deadLetters()) * models) {
                    break;
                }
                if (p != seen) {
                    seen = p;
                    lastChange = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - lastChange > IDLE_LIMIT_MS) {
                    out.println("\nno new predictions for 30 s; stopping (duplicates in the input are predicted once)");
                    break;
                }
                if (System.currentTimeMillis() - lastStatusCheck > 1000) {
                    lastStatusCheck = System.currentTimeMillis();
                    failure = JobFailure.ifStopped(job).orElse(null);
                    if (failure != null) {
                        break;
                    }
                }
                Thread.sleep(100);
            }
            if (options.preloaded() || options.warmupEvents() > 0) {
                start = monitor.measuredFrom();
            }
            double seconds = monitor.lastPredictionAt() > start ? (monitor.lastPredictionAt() - start) / 1000.0 : 0;
            if (failure == null) {
                answered.finish("dead letters " + monitor.deadLetters());
                awaitFinalEvaluation(monitor);
            } else {
                answered.stop("dead letters " + monitor.deadLetters());
            }
            return new Result(events.size(), monitor.predictions(), monitor.deadLetters(), seconds,
                    monitor.latencyQuantile(0.5), monitor.latencyQuantile(0.99), monitor.latestEval(), monitor.windows(),
                    options.warmupEvents(), start, monitor.lastPredictionAt(), monitor.latencyBySecond(),
                    monitor.inJobLatencyQuantile(0.99), failure, monitor.latestAfterCut(),
                    monitor.processingLatencyQuantile(0.5), monitor.processingLatencyQuantile(0.99));
        }
    }

    /** Waits until the running evaluation stops changing (its timer flushes within a second or two). */
    private static void awaitFinalEvaluation(OutputMonitor monitor) throws InterruptedException {
        long total = -1;
        for (int stable = 0; stable < 3; ) {
            Thread.sleep(1000);
            long now = monitor.latestEval().values().stream().mapToLong(m -> m.count).sum();
            stable = now == total ? stable + 1 : 0;
            total = now;
        }
    }
}
