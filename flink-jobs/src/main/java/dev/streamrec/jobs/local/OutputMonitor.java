package dev.streamrec.jobs.local;

import dev.streamrec.jobs.kafka.CommittedTopicsTail;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the job's outputs as an outside read_committed consumer would: counts predictions and
 * dead letters, measures event-to-prediction latency end to end (ingest into Kafka to visible to
 * this consumer) and the job's processing latency (its source reading the event to the prediction's
 * emit, when predictions carry it), and keeps the latest running and after-cut evaluation per model
 * version.
 */
public final class OutputMonitor implements AutoCloseable {

    private final String predictionsTopic;
    private final String deadLettersTopic;
    private final String evalTopic;
    private final AtomicLong predictions = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong lastPredictionAt = new AtomicLong();
    private final AtomicLong measuredFrom = new AtomicLong();
    private volatile long warmupPredictions;
    private final Map<String, EvalMetrics> latestEval = new TreeMap<>();
    private final Map<String, EvalMetrics> latestAfterCut = new TreeMap<>();
    private final List<EvalMetrics> windows = new ArrayList<>();
    private final EventCodec codec = new EventCodec();
    private final CommittedTopicsTail tail;
    private long[] latencies = new long[1 << 16];
    private long[] latencySeenAt = new long[1 << 16];
    /** The part of each latency spent before the job emitted the prediction (ingest to emit). */
    private long[] inJob = new long[1 << 16];
    private int latencyCount;
    /** Source read to emit, of the predictions that carry it (processingMs). */
    private long[] processing = new long[1 << 16];
    private int processingCount;

    public OutputMonitor(KafkaClientProperties kafka, String predictionsTopic, String deadLettersTopic, String evalTopic) {
        this.predictionsTopic = predictionsTopic;
        this.deadLettersTopic = deadLettersTopic;
        this.evalTopic = evalTopic;
        this.tail = new CommittedTopicsTail(kafka, "output-monitor",
                List.of(predictionsTopic, deadLettersTopic, evalTopic), this::onRecord);
    }

    public OutputMonitor start() {
        tail.start();
        return this;
    }

    private void onRecord(ConsumerRecord<byte[], byte[]> r) {
        long now = System.currentTimeMillis();
        if (r.topic().equals(predictionsTopic)) {
            long n = predictions.incrementAndGet();
            if (n > warmupPredictions) {
                // ingest = prediction write time - ingest-to-emit latency
                long emitted = latencyMs(r.value(), codec);
                recordLatency(now, Math.max(0, now - (r.timestamp() - emitted)), emitted);
                long processed = longField(r.value(), PROCESSING_FIELD);
                if (processed >= 0) {
                    recordProcessing(processed);
                }
            }
            if (n == Math.max(1, warmupPredictions)) {
                measuredFrom.set(now);
            }
            lastPredictionAt.set(now);
        } else if (r.topic().equals(deadLettersTopic)) {
            deadLetters.incrementAndGet();
        } else if (r.topic().equals(evalTopic)) {
            EvalMetrics m = codec.decodeEvalMetrics(r.value());
            synchronized (latestEval) {
                if ("running".equals(m.scope)) {
                    latestEval.put(m.model + " " + m.modelVersion, m);
                } else if ("after-cut".equals(m.scope)) {
                    latestAfterCut.put(m.model + " " + m.modelVersion, m);
                } else if ("window".equals(m.scope)) {
                    windows.add(m);
                }
            }
        }
    }

    private static final byte[] LATENCY_FIELD = "\"latencyMs\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] PROCESSING_FIELD = "\"processingMs\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /**
     * The prediction's latencyMs without decoding the whole prediction (the monitor shares the
     * machine with the job it measures): the codec writes it last, or just before processingMs.
     */
    static long latencyMs(byte[] json, EventCodec codec) {
        long v = longField(json, LATENCY_FIELD);
        return v >= 0 ? v : codec.decodePrediction(json).latencyMs;
    }

    /** The non-negative integer after the last occurrence of {@code field} (a quoted name and colon), -1 when absent. */
    static long longField(byte[] json, byte[] field) {
        outer:
        for (int i = json.length - field.length; i >= 0; i--) {
            for (int j = 0; j < field.length; j++) {
                if (json[i + j] != field[j]) {
                    continue outer;
                }
            }
            long v = 0;
            for (int k = i + field.length; k < json.length && json[k] >= '0' && json[k] <= '9'; k++) {
                v = v * 10 + (json[k] - '0');
            }
            return v;
        }
        return -1;
    }

    private synchronized void recordProcessing(long ms) {
        if (processingCount == processing.length) {
            processing = Arrays.copyOf(processing, processing.length * 2);
        }
        processing[processingCount++] = ms;
    }

    private synchronized void recordLatency(long seenAt, long ms, long inJobMs) {
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
            latencySeenAt = Arrays.copyOf(latencySeenAt, latencySeenAt.length * 2);
            inJob = Arrays.copyOf(inJob, inJob.length * 2);
        }
        latencySeenAt[latencyCount] = seenAt;
        inJob[latencyCount] = inJobMs;
        latencies[latencyCount++] = ms;
    }

    /**
     * Latency of the predictions seen in one wall-clock second: p99 and max in all, and p99 of the
     * part before the job emitted them (the rest is the sink, the broker and this consumer).
     */
    public record SecondLatency(long secondStartMillis, int predictions, long p99, long max, long p99InJob) {}

    /**
     * Latency per wall-clock second of the measurement, in time order: where a high p99 comes from
     * (a checkpoint, a GC pause, a backlog left by the warm-up) shows in when it happened.
     */
    public synchronized List<SecondLatency> latencyBySecond() {
        Map<Long, List<Integer>> bySecond = new TreeMap<>();
        for (int i = 0; i < latencyCount; i++) {
            bySecond.computeIfAbsent(latencySeenAt[i] / 1000 * 1000, k -> new ArrayList<>()).add(i);
        }
        List<SecondLatency> all = new ArrayList<>();
        bySecond.forEach((second, at) -> {
            long[] total = at.stream().mapToLong(i -> latencies[i]).sorted().toArray();
            long[] job = at.stream().mapToLong(i -> inJob[i]).sorted().toArray();
            all.add(new SecondLatency(second, total.length, quantile(total, 0.99), total[total.length - 1],
                    quantile(job, 0.99)));
        });
        return all;
    }

    /** The q-quantile (0..1) of event-to-prediction latency in ms, -1 when nothing was measured. */
    public synchronized long latencyQuantile(double q) {
        return recordedQuantile(latencies, q);
    }

    /** The q-quantile of the part before the job emitted (see {@link SecondLatency}), -1 when nothing was measured. */
    public synchronized long inJobLatencyQuantile(double q) {
        return recordedQuantile(inJob, q);
    }

    /**
     * The q-quantile of the job's processing latency (its source reading the event to the
     * prediction's emit), -1 when no measured prediction carried it.
     */
    public synchronized long processingLatencyQuantile(double q) {
        return recordedQuantile(processing, processingCount, q);
    }

    /** The q-quantile of the first {@link #latencyCount} values of {@code recorded}, -1 when there are none. */
    private long recordedQuantile(long[] recorded, double q) {
        return recordedQuantile(recorded, latencyCount, q);
    }

    private static long recordedQuantile(long[] recorded, int count, double q) {
        if (count == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(recorded, count);
        Arrays.sort(sorted);
        return quantile(sorted, q);
    }

    private static long quantile(long[] sorted, double q) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
    }

    public long predictions() {
        return predictions.get();
    }

    public long deadLetters() {
        return deadLetters.get();
    }

    /**
     * Leaves the first {@code n} predictions out of the measurement (JIT compilation and cache
     * warm-up): latencies are recorded after them and {@link #measuredFrom} is when the n-th was
     * seen. Set before {@link #start}.
     */
    public OutputMonitor warmup(long n) {
        this.warmupPredictions = n;
        return this;
    }

    /** When the warm-up's last prediction (or, without warm-up, the first one) was seen; 0 before. */
    public long measuredFrom() {
        return measuredFrom.get();
    }

    public long lastPredictionAt() {
        return lastPredictionAt.get();
    }

    /** Every per-window evaluation record seen so far (all models and versions). */
    public List<EvalMetrics> windows() {
        synchronized (latestEval) {
            return new ArrayList<>(windows);
        }
    }

    /** Latest running evaluation per "model version". */
    public Map<String, EvalMetrics> latestEval() {
        synchronized (latestEval) {
            return new TreeMap<>(latestEval);
        }
    }

    /** Latest evaluation over the events at or after the job's cut ({@code eval.cut}) per "model version". */
    public Map<String, EvalMetrics> latestAfterCut() {
        synchronized (latestEval) {
            return new TreeMap<>(latestAfterCut);
        }
    }

    @Override
    public void close() throws InterruptedException {
        tail.close();
    }
}
