package dev.streamrec.schema.event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A prequential evaluation aggregate (schema {@code eval-metrics} v1) for one model version: either
 * one event-time window ({@code scope = window}) or everything so far ({@code scope = running}).
 * Metric names: {@code HR@10}, {@code NDCG@10}, {@code HR@20}, {@code NDCG@20}, {@code MRR}.
 */
public class EvalMetrics {
    public String model;
    public String modelVersion;
    /** {@code window} or {@code running}. */
    public String scope;
    public long windowStart;
    public long windowEnd;
    public long count;
    public Map<String, Double> metrics = new LinkedHashMap<>();
    /** When it was emitted (epoch ms, processing time). */
    public long emittedAt;

    public EvalMetrics() {}
}
