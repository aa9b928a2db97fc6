package dev.streamrec.jobs.eval;

import dev.streamrec.model.metrics.PairedTTest;
import dev.streamrec.schema.event.EvalMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Champion versus challengers: pairs each challenger version's window metrics with the champion's
 * for the same event-time window, and whenever a new pair forms emits a {@code comparison} record with
 * the mean per-window difference and a paired t-test over the last {@code maxWindows} windows, for
 * HR@10, NDCG@10 and MRR. Runs on one key (all models), after the window aggregation.
 *
 * <p>State stays bounded: per series (the champion's, all its versions together, and each
 * challenger version's) only its newest {@code maxWindows} windows ({@link ComparedWindows}), and
 * a challenger whose newest window is older than every champion window kept (a retired version)
 * is dropped. A record reads the series it touches, never every window. Savepoints of the release
 * that kept every window ({@code comparison-windows}, one entry per window) restore: the first
 * record afterwards moves those windows into the series and clears the old state.
 */
public final class ChampionComparisonFunction extends KeyedProcessFunction<String, EvalMetrics, EvalMetrics> {

    static final String[] COMPARED = {"HR@10", "NDCG@10", "MRR"};

    /** Series key -> its newest windows: the champion's under {@link #CHAMPION}, a challenger's under "model \0 version". */
    static final MapStateDescriptor<String, ComparedWindows> SERIES = new MapStateDescriptor<>(
            "comparison-series", Types.STRING, TypeInformation.of(ComparedWindows.class));
    /** Earlier releases: "model \0 version \0 windowStart" -> metrics of that window, every window ever. */
    static final MapStateDescriptor<String, WindowScore> LEGACY_WINDOWS = new MapStateDescriptor<>(
            "comparison-windows", Types.STRING, TypeInformation.of(WindowScore.class));
    /** The champion's series key (no challenger key is empty). */
    static final String CHAMPION = "";

    private final String champion;
    private final int maxWindows;
    private transient MapState<String, ComparedWindows> series;
    private transient MapState<String, WindowScore> legacyWindows;
    /** Whether this instance already moved the old state's windows (it runs on one key). */
    private transient boolean legacyMoved;

    public ChampionComparisonFunction(String champion, int maxWindows) {
        this.champion = champion;
        this.maxWindows = Math.max(1, maxWindows);
    }

    @Override
    public void open(OpenContext ctx) {
        series = getRuntimeContext().getMapState(SERIES);
        legacyWindows = getRuntimeContext().getMapState(LEGACY_WINDOWS);
    }

    @Override
    public void processElement(EvalMetrics m, Context ctx, Collector<EvalMetrics> out) throws Exception {
        if (!"window".equals(m.scope)) {
            return;
        }
        if (!legacyMoved) {
            moveLegacyWindows();
            legacyMoved = true;
        }
        WindowScore w = new WindowScore(m.model, m.modelVersion, m.windowStart, m.metrics);
        String key = keyOf(w);
        ComparedWindows touched = add(key, w);
        if (!key.equals(CHAMPION)) {
            ComparedWindows champ = series.get(CHAMPION);
            if (champ != null && champ.at(m.windowStart) != null) {
                emit(touched, champ, out);
            }
            return;
        }
        TreeMap<String, ComparedWindows> challengers = new TreeMap<>();
        for (Map.Entry<String, ComparedWindows> e : series.entries()) {
            if (!e.getKey().equals(CHAMPION)) {
                challengers.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, ComparedWindows> c : challengers.entrySet()) {
            if (c.getValue().newestStart() < touched.oldestStart()) {
                series.remove(c.getKey()); // retired: it can never pair with a kept champion window again
            } else if (c.getValue().at(m.windowStart) != null) {
                emit(c.getValue(), touched, out);
            }
        }
    }

    private String keyOf(WindowScore w) {
        return w.model.equals(champion) ? CHAMPION : w.model + "\u0000" + w.modelVersion;
    }

    /** Puts a window into its series and returns the series. */
    private ComparedWindows add(String key, WindowScore w) throws Exception {
        ComparedWindows s = series.get(key);
        if (s == null) {
            s = new ComparedWindows();
        }
        s.put(w, maxWindows);
        series.put(key, s);
        return s;
    }

    /** Moves what an earlier release kept (every window, one entry each) into the bounded series. */
    private void moveLegacyWindows() throws Exception {
        List<WindowScore> old = new ArrayList<>();
        for (WindowScore w : legacyWindows.values()) {
            old.add(w);
        }
        if (old.isEmpty()) {
            return;
        }
        old.sort(Comparator.comparingLong(w -> w.windowStart));
        for (WindowScore w : old) {
            add(keyOf(w), w);
        }
        legacyWindows.clear();
    }

    private void emit(ComparedWindows challenger, ComparedWindows championWindows, Collector<EvalMetrics> out) {
        EvalMetrics cmp = compare(challenger.pairedWith(championWindows, maxWindows));
        if (cmp != null) {
            out.collect(cmp);
        }
    }

    private EvalMetrics compare(List<WindowScore[]> pairs) {
        if (pairs.isEmpty()) {
            return null;
        }
        WindowScore first = pairs.get(0)[0];
        EvalMetrics e = new EvalMetrics();
        e.model = first.model;
        e.modelVersion = first.modelVersion;
        e.scope = "comparison";
        e.baseline = champion;
        e.windowStart = pairs.get(pairs.size() - 1)[0].windowStart;
        e.windowEnd = first.windowStart;
        e.count = pairs.size();
        e.emittedAt = System.currentTimeMillis();
        e.metrics.put("windows", (double) pairs.size());
        for (String metric : COMPARED) {
            double[] diffs = new double[pairs.size()];
            for (int i = 0; i < diffs.length; i++) {
                diffs[i] = pairs.get(i)[0].metrics.getOrDefault(metric, 0.0) - pairs.get(i)[1].metrics.getOrDefault(metric, 0.0);
            }
            PairedTTest.Result r = PairedTTest.test(diffs);
            putFinite(e, metric + ".diff", r.meanDifference());
            putFinite(e, metric + ".t", r.t());
            putFinite(e, metric + ".p", r.p());
        }
        return e;
    }

    /** JSON has no NaN or infinity: undefined statistics are left out. */
    private static void putFinite(EvalMetrics e, String name, double v) {
        if (Double.isFinite(v)) {
            e.metrics.put(name, v);
        }
    }
}
