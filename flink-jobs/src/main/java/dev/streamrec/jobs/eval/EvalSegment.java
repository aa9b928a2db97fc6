package dev.streamrec.jobs.eval;

/**
 * Consecutive prequential tests of one model version that fall in the same event-time window and on
 * the same side of the evaluation cut, combined: what a scoring subtask sends to the aggregation
 * instead of one record per test. The aggregation treats a segment as its tests one after another,
 * which is exact because they share the window and the side. POJO.
 */
public class EvalSegment {
    public String model;
    public String modelVersion;
    public long windowStart;
    public EvalTotals totals;
    /** Whether its tests are of events at or after the evaluation cut ({@code eval.cut}); false without one. */
    public boolean afterCut;

    public EvalSegment() {}

    public EvalSegment(String model, String modelVersion, long windowStart, EvalTotals totals) {
        this.model = model;
        this.modelVersion = modelVersion;
        this.windowStart = windowStart;
        this.totals = totals;
    }

    /** The key of the aggregation: one per model version. */
    public String modelKey() {
        return modelKey(model, modelVersion);
    }

    /** The aggregation's key of a model version ({@code model}, NUL, {@code version}). */
    public static String modelKey(String model, String version) {
        return model + "\u0000" + version;
    }

    /** The start of the tumbling event-time window of length {@code windowMs} that holds {@code timestamp}. */
    public static long windowStart(long timestamp, long windowMs) {
        return timestamp - Math.floorMod(timestamp, windowMs);
    }
}
