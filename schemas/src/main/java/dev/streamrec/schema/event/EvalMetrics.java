package dev.streamrec.schema.event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A prequential evaluation aggregate (schema {@code eval-metrics} v1) for one model version: either
 * one event-time window ({@code scope = window}), everything so far ({@code scope = running}), or
 * everything so far at or after the job's evaluation cut ({@code scope = after-cut}, which starts at
 * the cut: the events a model trained before the cut has never seen).
 * Metric names: {@code HR@10}, {@code NDCG@10}, {@code HR@20}, {@code NDCG@20}, {@code MRR}; a
 * comparison ({@code scope = comparison}) carries {@code <metric>.diff}, {@code .t}, {@code .p} and
 * {@code windows}.
 */
public class EvalMetrics {
    public String model;
    public String modelVersion;
    /** {@code window}, {@code running}, {@code after-cut} or {@code comparison} (challenger vs champion). */
    public String scope;
    /** For comparisons: the champion model the differences are taken against; else null. */
    public String baseline;
    public long windowStart;
    public long windowEnd;
    public long count;
    public Map<String, Double> metrics = new LinkedHashMap<>();
    /** When it was emitted (epoch ms, processing time). */
    public long emittedAt;

    public EvalMetrics() {}
}
