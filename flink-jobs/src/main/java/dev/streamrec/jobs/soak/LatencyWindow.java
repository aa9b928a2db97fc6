package dev.streamrec.jobs.soak;

import java.util.Arrays;

/**
 * The job's throughput and processing latency over one sample interval, from the predictions a
 * {@code read_committed} reader sees: every prediction adds its {@code processingMs} (the job's time
 * from reading the event to emitting the prediction, {@code predictions.processing-latency}), and the
 * predictions of one model count the events (each event gets one prediction per model).
 * {@link #take} returns the interval's events/s and p99 latency and starts the next interval.
 * Thread-safe: a reader thread adds, the sampler takes.
 */
public final class LatencyWindow {

    /** One interval: events predicted, their rate, and the p99 of the processing latency (NaN when none). */
    public record Window(long events, double eventsPerSecond, double p99Ms) {}

    private final String countedModel;
    private long[] latencies = new long[1024];
    private int size;
    private long events;

    /** Counts events by the predictions of {@code countedModel}. */
    public LatencyWindow(String countedModel) {
        this.countedModel = countedModel;
    }

    /** One prediction of {@code model}; {@code processingMs} may be null (not written by the job). */
    public synchronized void add(String model, Long processingMs) {
        if (model.equals(countedModel)) {
            events++;
        }
        if (processingMs != null) {
            if (size == latencies.length) {
                latencies = Arrays.copyOf(latencies, size * 2);
            }
            latencies[size++] = processingMs;
        }
    }

    /** The interval that ends now, {@code seconds} long; the next one starts empty. */
    public synchronized Window take(double seconds) {
        Window w = new Window(events, seconds > 0 ? events / seconds : Double.NaN, p99(latencies, size));
        events = 0;
        size = 0;
        if (latencies.length > 1 << 16) {
            latencies = new long[1024];
        }
        return w;
    }

    /** The 99th percentile of the first {@code n} values, nearest rank (NaN when there are none). */
    static double p99(long[] values, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(0.99 * n);
        return sorted[Math.max(0, rank - 1)];
    }
}
