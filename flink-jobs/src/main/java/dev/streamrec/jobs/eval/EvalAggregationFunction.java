package dev.streamrec.jobs.eval;

import dev.streamrec.schema.event.EvalMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * Aggregates prequential tests per model version (the key), as {@link EvalSegment}s from the
 * scoring subtasks' {@link EvalCombiner}s, into tumbling event-time windows and a running total. A
 * window is emitted when the first test of a later window arrives (tests of an already closed
 * window count in the running total only); the running total is emitted once {@code emitEvery}
 * tests have come in since it last was, and at least once a second while it changes. The latest
 * running values are also Flink gauges under {@code model=<name>, version=<version>}. With an
 * evaluation cut, the tests of segments after it are also totalled on their own and emitted with
 * the running total as scope {@code after-cut} (no gauges).
 */
public final class EvalAggregationFunction extends KeyedProcessFunction<String, EvalSegment, EvalMetrics> {

    private static final long FLUSH_MS = 1000;

    private final int[] cutoffs;
    private final long windowMs;
    private final int emitEvery;
    private final long cutMillis;

    private transient ValueState<EvalTotals> running;
    private transient ValueState<EvalTotals> afterCut;
    private transient ValueState<EvalTotals> window;
    private transient ValueState<Long> windowStart;
    private transient ValueState<Long> unreported;
    /** The latest running totals per model version, read by the gauges (reporter thread). */
    private transient Map<String, EvalTotals> latest;

    public EvalAggregationFunction(int[] cutoffs, long windowMs, int emitEvery) {
        this(cutoffs, windowMs, emitEvery, EvalSegments.NO_CUT);
    }

    /** With an evaluation cut at {@code cutMillis} ({@code eval.cut}): also the after-cut totals. */
    public EvalAggregationFunction(int[] cutoffs, long windowMs, int emitEvery, long cutMillis) {
        this.cutoffs = cutoffs.clone();
        this.windowMs = windowMs;
        this.emitEvery = emitEvery;
        this.cutMillis = cutMillis;
    }

    @Override
    public void open(OpenContext ctx) {
        running = getRuntimeContext().getState(
                new ValueStateDescriptor<>("eval-running", TypeInformation.of(EvalTotals.class)));
        afterCut = getRuntimeContext().getState(
                new ValueStateDescriptor<>("eval-after-cut", TypeInformation.of(EvalTotals.class)));
        window = getRuntimeContext().getState(
                new ValueStateDescriptor<>("eval-window", TypeInformation.of(EvalTotals.class)));
        windowStart = getRuntimeContext().getState(new ValueStateDescriptor<>("eval-window-start", Types.LONG));
        unreported = getRuntimeContext().getState(new ValueStateDescriptor<>("eval-unreported", Types.LONG));
        latest = new ConcurrentHashMap<>();
    }

    @Override
    public void processElement(EvalSegment s, Context ctx, Collector<EvalMetrics> out) throws Exception {
        // A segment is its tests one after another: they share the window, so the first may close
        // the current window and all of them then land in the new one (or, late, in the running total only).
        Long current = windowStart.value();
        EvalTotals w = window.value();
        if (current == null || s.windowStart > current) {
            if (w != null && w.count > 0) {
                out.collect(toMetrics(s.model, s.modelVersion, "window", current, current + windowMs, w));
            }
            current = s.windowStart;
            windowStart.update(current);
            w = new EvalTotals(cutoffs);
        }
        if (s.windowStart == current) {
            w.merge(s.totals);
            window.update(w);
        }
        EvalTotals total = running.value();
        if (total == null) {
            total = new EvalTotals(cutoffs);
        }
        total.merge(s.totals);
        running.update(total);
        if (s.afterCut) {
            EvalTotals after = afterCut.value();
            if (after == null) {
                after = new EvalTotals(cutoffs);
            }
            after.merge(s.totals);
            afterCut.update(after);
        }
        updateGauges(s.model, s.modelVersion, total);

        long pending = unreported.value() == null ? 0 : unreported.value();
        if (pending == 0) {
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + FLUSH_MS);
        }
        pending += s.totals.count;
        if (pending >= emitEvery) {
            emitTotals(s.model, s.modelVersion, total, out);
            pending = 0;
        }
        unreported.update(pending);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EvalMetrics> out) throws Exception {
        Long pending = unreported.value();
        EvalTotals total = running.value();
        if (pending != null && pending > 0 && total != null) {
            String[] key = ctx.getCurrentKey().split("\u0000", 2);
            emitTotals(key[0], key[1], total, out);
            unreported.update(0L);
        }
    }

    /** The running totals, and the after-cut totals when there are any (their span starts at the cut). */
    private void emitTotals(String model, String version, EvalTotals total, Collector<EvalMetrics> out)
            throws Exception {
        out.collect(toMetrics(model, version, "running", total.firstTimestamp, total.lastTimestamp, total));
        EvalTotals after = cutMillis == EvalSegments.NO_CUT ? null : afterCut.value();
        if (after != null && after.count > 0) {
            out.collect(toMetrics(model, version, "after-cut", cutMillis, after.lastTimestamp, after));
        }
    }

    private static EvalMetrics toMetrics(String model, String version, String scope, long start, long end, EvalTotals t) {
        EvalMetrics m = new EvalMetrics();
        m.model = model;
        m.modelVersion = version;
        m.scope = scope;
        m.windowStart = start;
        m.windowEnd = end;
        m.count = t.count;
        m.metrics = t.means();
        m.emittedAt = System.currentTimeMillis();
        return m;
    }

    /**
     * Publishes the running totals to the gauges: they keep a reference and compute the means
     * when the reporter reads them, so no per-event work beyond the reference swap.
     */
    private void updateGauges(String model, String version, EvalTotals total) {
        String key = EvalSegment.modelKey(model, version);
        if (!latest.containsKey(key)) {
            MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("model", model).addGroup("version", version);
            for (String name : total.means().keySet()) {
                String metric = name.toLowerCase(java.util.Locale.ROOT).replace("@", "");
                g.gauge(metric, () -> latest.get(key).means().getOrDefault(name, 0.0));
            }
            g.gauge("evaluated", () -> (double) latest.get(key).count);
        }
        latest.put(key, total);
    }
}
