package dev.streamrec.jobs.cluster;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a fault-injection run's output for exactly-once delivery: every event sent must have
 * exactly one prediction per model in what a {@code read_committed} reader sees. Counts predictions
 * per {@code (eventId, model)} and dead letters as they are read, then reports events in,
 * predictions per model and per version of the job that emitted them (what the caller tells apart,
 * e.g. an upgraded job's), missing and duplicated pairs, and each fault's recovery time: the longest
 * silence of the job's output around the fault, the longest gap between two consecutive predictions
 * it emitted (the Kafka record timestamps, which the job's sink leaves to the producer's clock) that
 * ends after the fault and begins before the next one. So a prediction written before a failure but
 * aborted with its transaction does not count, and neither do the few the job still emitted in the
 * milliseconds after a fault was triggered (a broker being killed, a savepoint being taken).
 */
public final class DeliveryAudit {

    /** A fault injected at {@code atMillis} (wall clock). */
    public record Fault(String name, long atMillis) {}

    /** The job's longest silence around a fault, {@code silentFromMillis} to {@code emittingAgainMillis}; -1 where it emitted nothing after it. */
    public record Recovery(Fault fault, long silentFromMillis, long emittingAgainMillis) {
        public long millis() {
            return silentFromMillis < 0 || emittingAgainMillis < 0 ? -1 : emittingAgainMillis - silentFromMillis;
        }
    }

    /** The outcome of a run. */
    public record Report(int eventsIn, Map<String, Integer> predictionsPerModel, Map<String, Integer> predictionsPerVersion,
            int missing, int duplicated, int unexpected, long deadLetters, List<Recovery> recoveries) {

        /** Nothing lost, nothing twice, nothing unknown, no dead letter. */
        public boolean clean() {
            return missing == 0 && duplicated == 0 && unexpected == 0 && deadLetters == 0;
        }

        /** The table: one row per count and per fault's recovery time, the values aligned. */
        public void print(PrintStream out) {
            Map<String, String> rows = new LinkedHashMap<>();
            rows.put("events in", String.format(Locale.ROOT, "%,d", eventsIn));
            predictionsPerModel.forEach((model, n) -> rows.put("predictions " + model, String.format(Locale.ROOT, "%,d", n)));
            predictionsPerVersion.forEach((version, n) -> rows.put("predictions by " + version, String.format(Locale.ROOT, "%,d", n)));
            rows.put("missing (eventId, model)", String.format(Locale.ROOT, "%,d", missing));
            rows.put("duplicated (eventId, model)", String.format(Locale.ROOT, "%,d", duplicated));
            rows.put("unknown eventIds", String.format(Locale.ROOT, "%,d", unexpected));
            rows.put("dead letters", String.format(Locale.ROOT, "%,d", deadLetters));
            for (Recovery r : recoveries) {
                rows.put("recovery " + r.fault().name(), r.millis() < 0 ? "- (no prediction on one side)"
                        : String.format(Locale.ROOT, "%,.1f s", r.millis() / 1000.0));
            }
            int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
            rows.forEach((label, value) -> out.printf(Locale.ROOT, "%-" + width + "s%s%n", label, value));
        }
    }

    private final Set<String> eventIds;
    private final List<String> models;
    private final Map<String, Map<String, Integer>> counts = new HashMap<>();
    private final Map<String, Integer> perVersion = new TreeMap<>();
    private final List<Long> emitted = new ArrayList<>();
    private long deadLetters;

    public DeliveryAudit(Collection<String> eventIds, List<String> models) {
        this.eventIds = new LinkedHashSet<>(eventIds);
        this.models = List.copyOf(models);
    }

    /** A prediction read from the output: emitted by {@code version} of the job, with its record timestamp. */
    public synchronized void prediction(String eventId, String model, String version, long timestampMillis) {
        counts.computeIfAbsent(eventId, e -> new HashMap<>()).merge(model, 1, Integer::sum);
        perVersion.merge(version, 1, Integer::sum);
        emitted.add(timestampMillis);
    }

    public synchronized void deadLetter() {
        deadLetters++;
    }

    /** Predictions read so far. */
    public synchronized int predictions() {
        return emitted.size();
    }

    /** Whether a prediction emitted after {@code millis} has been read: the job is back after a fault then. */
    public synchronized boolean emittedAfter(long millis) {
        return emitted.stream().anyMatch(t -> t > millis);
    }

    /** Predictions a clean run ends with: one per event and model. */
    public int expectedPredictions() {
        return eventIds.size() * models.size();
    }

    public synchronized Report report(List<Fault> faults) {
        Map<String, Integer> perModel = new TreeMap<>();
        models.forEach(m -> perModel.put(m, 0));
        int missing = 0;
        int duplicated = 0;
        int unexpected = 0;
        for (String id : eventIds) {
            Map<String, Integer> byModel = counts.getOrDefault(id, Map.of());
            for (String m : models) {
                int n = byModel.getOrDefault(m, 0);
                missing += n == 0 ? 1 : 0;
                duplicated += Math.max(0, n - 1);
            }
        }
        for (Map.Entry<String, Map<String, Integer>> e : counts.entrySet()) {
            boolean known = eventIds.contains(e.getKey());
            for (Map.Entry<String, Integer> m : e.getValue().entrySet()) {
                perModel.merge(m.getKey(), m.getValue(), Integer::sum);
                if (!known || !models.contains(m.getKey())) {
                    unexpected += m.getValue();
                }
            }
        }
        List<Long> times = emitted.stream().sorted().toList();
        List<Recovery> recoveries = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            long at = faults.get(i).atMillis();
            long next = i + 1 < faults.size() ? faults.get(i + 1).atMillis() : Long.MAX_VALUE;
            long from = -1;
            long to = -1;
            for (int k = 1; k < times.size(); k++) {
                long a = times.get(k - 1);
                long b = times.get(k);
                if (b > at && a < next && (from < 0 || b - a > to - from)) {
                    from = a;
                    to = b;
                }
            }
            recoveries.add(new Recovery(faults.get(i), from, to));
        }
        return new Report(eventIds.size(), perModel, new TreeMap<>(perVersion), missing, duplicated, unexpected, deadLetters, recoveries);
    }
}
