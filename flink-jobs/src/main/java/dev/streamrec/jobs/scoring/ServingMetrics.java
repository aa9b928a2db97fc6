package dev.streamrec.jobs.scoring;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.HashMap;
import java.util.Map;

/**
 * A scoring subtask's metrics per served model version ({@code model.<name>.version.<v>}):
 * predictions, event-to-prediction latency, the age of the served version and whether it still
 * serves (1, or 0 once swapped out), so that a dashboard sees a hot swap happen.
 */
final class ServingMetrics {

    /** One model version's metrics. */
    static final class PerVersion {
        final Counter predictions;
        final Histogram latency;

        private PerVersion(Counter predictions, Histogram latency) {
            this.predictions = predictions;
            this.latency = latency;
        }

        /** One prediction, {@code latencyMs} after its event entered Kafka. */
        void predicted(long latencyMs) {
            predictions.inc();
            latency.update(latencyMs);
        }
    }

    private final MetricGroup group;
    private final ServingModels serving;
    private final Map<String, PerVersion> byVersion = new HashMap<>();

    ServingMetrics(MetricGroup group, ServingModels serving) {
        this.group = group;
        this.serving = serving;
    }

    /** The metrics of the model's version, registered on first use. */
    PerVersion of(ServedModel model) {
        String key = model.name() + "\u0000" + model.version();
        PerVersion m = byVersion.get(key);
        if (m == null) {
            MetricGroup g = group.addGroup("model", model.name()).addGroup("version", model.version());
            m = new PerVersion(g.counter("predictions"),
                    g.histogram("eventToPredictionLatencyMs", new DescriptiveStatisticsHistogram(10_000)));
            String name = model.name();
            g.gauge("modelAgeSeconds", () -> (System.currentTimeMillis() - serving.loadedAt(name)) / 1000L);
            String version = model.version();
            // Info-style gauge: 1 while this version serves, 0 after it was swapped out.
            g.gauge("modelVersion", () -> {
                ServedModel now = serving.get(name);
                return now != null && now.version().equals(version) ? 1 : 0;
            });
            byVersion.put(key, m);
        }
        return m;
    }
}
