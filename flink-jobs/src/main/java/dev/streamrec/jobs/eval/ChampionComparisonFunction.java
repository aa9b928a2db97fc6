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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Champion versus challengers: pairs each challenger version's window metrics with the champion's
 * for the same event-time window, and whenever a new pair forms emits a {@code comparison} record with
 * the mean per-window difference and a paired t-test over the last {@code maxWindows} windows, for
 * HR@10, NDCG@10 and MRR. Runs on one key (all models), after the window aggregation.
 */
public final class ChampionComparisonFunction extends KeyedProcessFunction<String, EvalMetrics, EvalMetrics> {

    static final String[] COMPARED = {"HR@10", "NDCG@10", "MRR"};

    private final String champion;
    private final int maxWindows;
    /** "model \0 version \0 windowStart" -> metrics of that window. */
    private transient MapState<String, WindowScore> windows;

    public ChampionComparisonFunction(String champion, int maxWindows) {
        this.champion = champion;
        this.maxWindows = maxWindows;
    }

    @Override
    public void open(OpenContext ctx) {
        windows = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "comparison-windows", Types.STRING, TypeInformation.of(WindowScore.class)));
    }

    @Override
    public void processElement(EvalMetrics m, Context ctx, Collector<EvalMetrics> out) throws Exception {
        if (!"window".equals(m.scope)) {
            return;
        }
        windows.put(m.model + "\u0000" + m.modelVersion + "\u0000" + m.windowStart,
                new WindowScore(m.model, m.modelVersion, m.windowStart, m.metrics));
        Map<Long, WindowScore> championWindows = new TreeMap<>();
        Map<String, TreeMap<Long, WindowScore>> challengers = new TreeMap<>();
        for (WindowScore w : windows.values()) {
            if (w.model.equals(champion)) {
                championWindows.put(w.windowStart, w);
            } else {
                challengers.computeIfAbsent(w.model + "\u0000" + w.modelVersion, k -> new TreeMap<>())
                        .put(w.windowStart, w);
            }
        }
        for (Map.Entry<String, TreeMap<Long, WindowScore>> c : challengers.entrySet()) {
            boolean touched = m.model.equals(champion) ? c.getValue().containsKey(m.windowStart)
                    : c.getKey().equals(m.model + "\u0000" + m.modelVersion) && championWindows.containsKey(m.windowStart);
            if (touched) {
                EvalMetrics cmp = compare(c.getValue(), championWindows);
                if (cmp != null) {
                    out.collect(cmp);
                }
            }
        }
    }

    private EvalMetrics compare(TreeMap<Long, WindowScore> challenger, Map<Long, WindowScore> championWindows) {
        List<WindowScore[]> pairs = new ArrayList<>();
        for (WindowScore w : challenger.descendingMap().values()) {
            WindowScore c = championWindows.get(w.windowStart);
            if (c != null && pairs.size() < maxWindows) {
                pairs.add(new WindowScore[] {w, c});
            }
        }
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
