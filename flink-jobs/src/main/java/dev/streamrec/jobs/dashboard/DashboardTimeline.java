package dev.streamrec.jobs.dashboard;

import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.Prediction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard shows, built only from the job's output topics: windowed quality per model
 * version over event time, and per-second throughput, latency and dead letters over the time the
 * outputs were written (the Kafka record timestamp, so history read late lands where it happened).
 * Thread-safe; bounded in memory (old seconds and old windows are dropped).
 */
public final class DashboardTimeline {

    /** Seconds of throughput/latency history kept. */
    static final int MAX_SECONDS = 900;
    /** Event-time windows kept per model version. */
    static final int MAX_WINDOWS = 2000;
    /** Latency samples kept per second (enough for a p99). */
    private static final int MAX_SAMPLES = 5000;

    private final TreeMap<Long, SecondBucket> seconds = new TreeMap<>();
    private final Map<String, TreeMap<Long, EvalMetrics>> windows = new TreeMap<>();
    private final Map<String, EvalMetrics> running = new TreeMap<>();
    /** Latest champion-vs-challenger comparison per challenger version. */
    private final Map<String, EvalMetrics> comparisons = new TreeMap<>();
    private final Map<String, VersionSeen> versions = new TreeMap<>();
    private long predictions;
    private long deadLetters;

    /** One prediction record written at {@code writtenAt} (epoch ms). */
    public synchronized void onPrediction(Prediction p, long writtenAt) {
        predictions++;
        SecondBucket b = bucket(writtenAt);
        b.predictions.merge(p.model, 1L, Long::sum);
        b.addLatency(p.latencyMs);
        versions.computeIfAbsent(key(p.model, p.modelVersion), k -> new VersionSeen(p.model, p.modelVersion, writtenAt))
                .count++;
    }

    /** One dead letter written at {@code writtenAt} (epoch ms). */
    public synchronized void onDeadLetter(long writtenAt) {
        deadLetters++;
        bucket(writtenAt).deadLetters++;
    }

    /**
     * One eval-metrics record: windows feed the quality charts, running totals the version table,
     * comparisons (challenger vs champion, paired test over windows) the comparison chart and table.
     */
    public synchronized void onEvalMetrics(EvalMetrics m) {
        String key = key(m.model, m.modelVersion);
        if ("comparison".equals(m.scope)) {
            comparisons.put(key, m);
        } else if ("window".equals(m.scope)) {
            TreeMap<Long, EvalMetrics> series = windows.computeIfAbsent(key, k -> new TreeMap<>());
            series.put(m.windowEnd, m);
            while (series.size() > MAX_WINDOWS) {
                series.pollFirstEntry();
            }
        } else {
            running.put(key, m);
        }
    }

    /** A JSON-ready snapshot (maps and lists only) of everything the page draws, at {@code now}. */
    public synchronized Map<String, Object> snapshot(long now) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("now", now);
        s.put("quality", quality());
        s.put("ops", ops());
        s.put("versions", versions(now));
        s.put("comparisons", comparisons());
        s.put("totals", Map.of("predictions", predictions, "deadLetters", deadLetters));
        return s;
    }

    private List<Map<String, Object>> quality() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Long, EvalMetrics>> e : windows.entrySet()) {
            List<Map<String, Object>> points = new ArrayList<>();
            EvalMetrics any = null;
            for (EvalMetrics m : e.getValue().values()) {
                any = m;
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("t", m.windowEnd);
                p.put("count", m.count);
                p.put("hr10", m.metrics.getOrDefault("HR@10", 0.0));
                p.put("ndcg10", m.metrics.getOrDefault("NDCG@10", 0.0));
                p.put("mrr", m.metrics.getOrDefault("MRR", 0.0));
                points.add(p);
            }
            out.add(series(any.model, any.modelVersion, points));
        }
        // a version with a running total but no closed window yet still gets its (single) point
        for (Map.Entry<String, EvalMetrics> e : running.entrySet()) {
            if (!windows.containsKey(e.getKey())) {
                EvalMetrics m = e.getValue();
                out.add(series(m.model, m.modelVersion, List.of(Map.of("t", m.windowEnd, "count", m.count,
                        "hr10", m.metrics.getOrDefault("HR@10", 0.0),
                        "ndcg10", m.metrics.getOrDefault("NDCG@10", 0.0),
                        "mrr", m.metrics.getOrDefault("MRR", 0.0)))));
            }
        }
        return out;
    }

    /**
     * Per challenger version: the paired test of the latest comparison record (mean difference, t
     * and p per metric, over how many windows) and the per-window NDCG@10 differences against the
     * champion's window with the same end (any champion version).
     */
    private List<Map<String, Object>> comparisons() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EvalMetrics c : comparisons.values()) {
            Map<Long, EvalMetrics> champion = new TreeMap<>();
            for (TreeMap<Long, EvalMetrics> series : windows.values()) {
                if (series.firstEntry().getValue().model.equals(c.baseline)) {
                    champion.putAll(series);
                }
            }
            List<Map<String, Object>> points = new ArrayList<>();
            for (EvalMetrics w : windows.getOrDefault(key(c.model, c.modelVersion), new TreeMap<>()).values()) {
                EvalMetrics b = champion.get(w.windowEnd);
                if (b != null) {
                    points.add(Map.of("t", w.windowEnd, "ndcg10Diff",
                            w.metrics.getOrDefault("NDCG@10", 0.0) - b.metrics.getOrDefault("NDCG@10", 0.0)));
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", c.model);
            row.put("version", c.modelVersion);
            row.put("champion", c.baseline);
            row.put("windows", c.count);
            row.put("test", c.metrics);
            row.put("points", points);
            out.add(row);
        }
        return out;
    }

    private static Map<String, Object> series(String model, String version, List<Map<String, Object>> points) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", model);
        s.put("version", version);
        s.put("points", points);
        return s;
    }

    private List<Map<String, Object>> ops() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<Long, SecondBucket> e : seconds.entrySet()) {
            SecondBucket b = e.getValue();
            long events = b.predictions.values().stream().mapToLong(Long::longValue).max().orElse(0) + b.deadLetters;
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("t", e.getKey() * 1000);
            p.put("eventsPerSec", events);
            p.put("latencyP50", b.quantile(0.5));
            p.put("latencyP99", b.quantile(0.99));
            p.put("deadLettersPerSec", b.deadLetters);
            p.put("deadLetterRate", events == 0 ? 0.0 : (double) b.deadLetters / events);
            out.add(p);
        }
        return out;
    }

    private List<Map<String, Object>> versions(long now) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, VersionSeen> e : versions.entrySet()) {
            VersionSeen v = e.getValue();
            EvalMetrics r = running.get(e.getKey());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", v.model);
            row.put("version", v.version);
            row.put("firstSeen", v.firstSeen);
            row.put("ageSeconds", Math.max(0, (now - v.firstSeen) / 1000));
            row.put("predictions", v.count);
            row.put("evaluated", r == null ? 0 : r.count);
            row.put("runningMetrics", r == null ? Map.of() : r.metrics);
            out.add(row);
        }
        return out;
    }

    private SecondBucket bucket(long epochMs) {
        SecondBucket b = seconds.computeIfAbsent(epochMs / 1000, s -> new SecondBucket());
        while (seconds.size() > MAX_SECONDS) {
            seconds.pollFirstEntry();
        }
        return b;
    }

    private static String key(String model, String version) {
        return model + " " + version;
    }

    /** Counts and latency samples of one second. */
    private static final class SecondBucket {
        final Map<String, Long> predictions = new TreeMap<>();
        long deadLetters;
        long[] latencies = new long[64];
        int n;
        long seen;

        void addLatency(long ms) {
            seen++;
            if (n < MAX_SAMPLES) {
                if (n == latencies.length) {
                    latencies = Arrays.copyOf(latencies, n * 2);
                }
                latencies[n++] = ms;
            } else {
                int slot = (int) (Math.abs(ms * 31 + seen) % MAX_SAMPLES); // cheap reservoir-ish replacement
                latencies[slot] = ms;
            }
        }

        Long quantile(double q) {
            if (n == 0) {
                return null;
            }
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            return sorted[Math.min(n - 1, Math.max(0, (int) Math.ceil(q * n) - 1))];
        }
    }

    /** When a model version was first seen in the predictions, and how often since. */
    private static final class VersionSeen {
        final String model;
        final String version;
        final long firstSeen;
        long count;

        VersionSeen(String model, String version, long firstSeen) {
            this.model = model;
            this.version = version;
            this.firstSeen = firstSeen;
        }
    }
}
