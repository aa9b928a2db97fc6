package dev.streamrec.jobs.soak;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The flatness verdict of a soak run. Each judged series is first smoothed over the last
 * {@code smoothingSamples} samples (trailing), because the raw values are sawtooths: a JVM's heap
 * rises between collections and drops at each (judged by its post-GC floor: the rolling minimum), and
 * RocksDB's files and the checkpoints grow between compactions and shrink at each (judged by the
 * rolling maximum); the rest by the rolling mean. The judged window is the last half hour of the run,
 * or its last half when the run is shorter than an hour. A series is {@link Verdict#FLAT} when every
 * smoothed value in the window lies within ±10 % of the window's first smoothed value; otherwise it is
 * growing or shrinking (by its last value) or varying. The report also prints the throughput,
 * latency, checkpoint durations and counters, which are not judged.
 */
public final class SoakReport {

    /** The tolerance of a flat series: ±10 % of the window's first value. */
    public static final double TOLERANCE = 0.10;

    /** The judged window of a run of an hour or more. */
    public static final double WINDOW_SECONDS = 1800;

    /** How a series is smoothed before it is judged. */
    public enum Smoothing {
        FLOOR("rolling min"), CEILING("rolling max"), MEAN("rolling mean");

        private final String label;

        Smoothing(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** What a judged series did in the window. */
    public enum Verdict { FLAT, GROWING, SHRINKING, VARYING, NO_DATA }

    /** A judged series and its smoothing. */
    public record Judged(String series, Smoothing smoothing) {}

    /** One line of the table: the smoothed series in the window, its first and last value, range and change. */
    public record Row(String series, Smoothing smoothing, double first, double last, double min, double max,
            double changePercent, Verdict verdict) {}

    private final List<SoakSample> samples;
    private final List<Row> rows = new ArrayList<>();
    private final double windowStart;

    public SoakReport(List<SoakSample> samples, List<Judged> judged, int smoothingSamples) {
        this.samples = List.copyOf(samples);
        this.windowStart = windowStart(samples);
        for (Judged j : judged) {
            rows.add(judge(j, smoothingSamples));
        }
    }

    /**
     * The series a soak judges: RocksDB's local size and the checkpoint's full size by their rolling
     * maximum, each TaskManager's heap by its floor (the rolling minimum of the heap right after a
     * collection: the heap in use at a sample's moment is mostly young garbage), its non-heap memory by
     * its mean and its RSS by its rolling maximum.
     */
    public static List<Judged> judged(List<String> taskManagers) {
        List<Judged> j = new ArrayList<>();
        j.add(new Judged(SoakSample.ROCKSDB_BYTES, Smoothing.CEILING));
        j.add(new Judged(SoakSample.CHECKPOINT_BYTES, Smoothing.CEILING));
        for (String tm : taskManagers) {
            j.add(new Judged(SoakSample.taskManager(tm, SoakSample.HEAP_AFTER_GC), Smoothing.FLOOR));
            j.add(new Judged(SoakSample.taskManager(tm, SoakSample.NON_HEAP), Smoothing.MEAN));
            j.add(new Judged(SoakSample.taskManager(tm, SoakSample.RSS), Smoothing.CEILING));
        }
        return j;
    }

    /** The seconds (since the start) from which samples are judged: the last half hour, or the last half. */
    static double windowStart(List<SoakSample> samples) {
        if (samples.isEmpty()) {
            return 0;
        }
        double end = samples.get(samples.size() - 1).elapsedSeconds();
        double start = samples.get(0).elapsedSeconds();
        return end - Math.min(WINDOW_SECONDS, (end - start) / 2);
    }

    public List<Row> rows() {
        return rows;
    }

    public double windowStartSeconds() {
        return windowStart;
    }

    /** Whether every judged series is flat. */
    public boolean flat() {
        return rows.stream().allMatch(r -> r.verdict() == Verdict.FLAT);
    }

    /** {@code y} smoothed over trailing windows of {@code k} values (NaN values skipped; NaN when all are). */
    static double[] smooth(double[] y, int k, Smoothing how) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double acc = how == Smoothing.FLOOR ? Double.POSITIVE_INFINITY
                    : how == Smoothing.CEILING ? Double.NEGATIVE_INFINITY : 0;
            int n = 0;
            for (int j = Math.max(0, i - k + 1); j <= i; j++) {
                if (Double.isNaN(y[j])) {
                    continue;
                }
                n++;
                acc = switch (how) {
                    case FLOOR -> Math.min(acc, y[j]);
                    case CEILING -> Math.max(acc, y[j]);
                    case MEAN -> acc + y[j];
                };
            }
            out[i] = n == 0 ? Double.NaN : how == Smoothing.MEAN ? acc / n : acc;
        }
        return out;
    }

    private Row judge(Judged j, int k) {
        double[] raw = samples.stream().mapToDouble(s -> s.get(j.series())).toArray();
        double[] smoothed = smooth(raw, k, j.smoothing());
        List<Double> window = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).elapsedSeconds() >= windowStart && !Double.isNaN(smoothed[i])) {
                window.add(smoothed[i]);
            }
        }
        if (window.isEmpty()) {
            return new Row(j.series(), j.smoothing(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Verdict.NO_DATA);
        }
        double first = window.get(0);
        double last = window.get(window.size() - 1);
        double min = window.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = window.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return new Row(j.series(), j.smoothing(), first, last, min, max,
                first == 0 ? (last == 0 ? 0 : Double.POSITIVE_INFINITY) : 100 * (last - first) / first,
                verdict(first, last, min, max));
    }

    static Verdict verdict(double first, double last, double min, double max) {
        double lo = first * (1 - TOLERANCE);
        double hi = first * (1 + TOLERANCE);
        if (min >= lo && max <= hi) {
            return Verdict.FLAT;
        }
        if (last > hi) {
            return Verdict.GROWING;
        }
        if (last < lo) {
            return Verdict.SHRINKING;
        }
        return Verdict.VARYING;
    }

    /** Prints the flatness table, then the unjudged series. */
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%n== flatness: the last %.0f s of the run (from %.0f s), each series smoothed over "
                + "trailing samples; flat = every smoothed value within ±%.0f%% of the window's first ==%n",
                samples.isEmpty() ? 0 : samples.get(samples.size() - 1).elapsedSeconds() - windowStart, windowStart,
                100 * TOLERANCE);
        out.printf(Locale.ROOT, "%-36s %-13s %12s %12s %12s %12s %9s  %s%n", "series", "judged by", "first", "last",
                "min", "max", "change", "verdict");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-36s %-13s %12s %12s %12s %12s %8.1f%%  %s%n", r.series(),
                    r.smoothing().label(), human(r.series(), r.first()), human(r.series(), r.last()),
                    human(r.series(), r.min()), human(r.series(), r.max()), r.changePercent(), r.verdict());
        }
        out.printf(Locale.ROOT, "%n== not judged (whole run) ==%n");
        out.printf(Locale.ROOT, "%-36s %12s %12s %12s %12s%n", "series", "first", "last", "min", "max");
        for (String s : List.of(SoakSample.EVENTS_PER_SECOND, SoakSample.P99_MS, SoakSample.CHECKPOINT_MS,
                SoakSample.CHECKPOINT_INCREMENT_BYTES, SoakSample.USERS, SoakSample.EVENTS_SENT,
                SoakSample.CHECKPOINTS_FAILED, SoakSample.RESTARTS, SoakSample.HOT_SWAPS, SoakSample.DELETIONS_SENT,
                SoakSample.DELETIONS_CONFIRMED)) {
            double[] y = samples.stream().mapToDouble(x -> x.get(s)).filter(v -> !Double.isNaN(v)).toArray();
            if (y.length == 0) {
                out.printf(Locale.ROOT, "%-36s %12s%n", s, "-");
                continue;
            }
            out.printf(Locale.ROOT, "%-36s %12s %12s %12s %12s%n", s, human(s, y[0]), human(s, y[y.length - 1]),
                    human(s, java.util.Arrays.stream(y).min().orElseThrow()),
                    human(s, java.util.Arrays.stream(y).max().orElseThrow()));
        }
    }

    /** Bytes in MiB, the rest as numbers. */
    static String human(String series, double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (series.endsWith("bytes")) {
            return String.format(Locale.ROOT, "%.1f MiB", v / (1024 * 1024));
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%,.1f", v);
    }
}
