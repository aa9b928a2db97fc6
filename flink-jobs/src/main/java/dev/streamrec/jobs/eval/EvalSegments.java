package dev.streamrec.jobs.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups prequential tests into {@link EvalSegment}s: per model version, each run of consecutive
 * tests that share an event-time window and a side of the evaluation cut becomes one segment, and
 * the segments keep the order of their tests. A test belongs after the cut when its event time is
 * at or after it (the event a model trained before the cut has not seen). Pure: {@link EvalCombiner}
 * decides when the held segments are sent.
 */
final class EvalSegments {

    /** The cut of an evaluation without one: every test falls before it. */
    static final long NO_CUT = Long.MAX_VALUE;

    private final int[] cutoffs;
    private final long windowMs;
    private final long cutMillis;
    /** Per model version, its segments in the order of their tests. */
    private final Map<String, List<EvalSegment>> held = new LinkedHashMap<>();
    private int tests;

    EvalSegments(int[] cutoffs, long windowMs, long cutMillis) {
        this.cutoffs = cutoffs.clone();
        this.windowMs = windowMs;
        this.cutMillis = cutMillis;
    }

    /** Whether a test of this event time counts after a cut at {@code cutMillis}. */
    static boolean afterCut(long timestamp, long cutMillis) {
        return timestamp >= cutMillis;
    }

    void add(EvalRecord r) {
        long start = EvalSegment.windowStart(r.timestamp, windowMs);
        boolean after = afterCut(r.timestamp, cutMillis);
        List<EvalSegment> segments = held.computeIfAbsent(r.modelKey(), k -> new ArrayList<>());
        EvalSegment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (last == null || last.windowStart != start || last.afterCut != after) {
            last = new EvalSegment(r.model, r.modelVersion, start, new EvalTotals(cutoffs));
            last.afterCut = after;
            segments.add(last);
        }
        last.totals.add(r.rank, r.timestamp);
        tests++;
    }

    /** The tests held. */
    int tests() {
        return tests;
    }

    /** Every held segment (model version by model version, each in the order of its tests), then none. */
    List<EvalSegment> drain() {
        List<EvalSegment> out = new ArrayList<>();
        held.values().forEach(out::addAll);
        held.clear();
        tests = 0;
        return out;
    }
}
