package dev.streamrec.schema.event;

import java.util.ArrayList;
import java.util.List;

/**
 * A top-K answer to one accepted interaction (schema {@code prediction} v1): the event it answers,
 * the model and version that made it, the items best first, the time from ingest to emit, and
 * (optional, null when not written) the time from the job's source reading the event to emit.
 */
public class Prediction {
    public String eventId;
    public String userId;
    public long timestamp;
    public String model;
    public String modelVersion;
    public List<RecommendedItem> items = new ArrayList<>();
    public long latencyMs;
    /**
     * Read by the job's Kafka source to emit, in ms: the job's own processing time, without the
     * time the event waited in Kafka before the source read it (a backlog); null when not written.
     */
    public Long processingMs;

    public Prediction() {}

    public Prediction(
            String eventId,
            String userId,
            long timestamp,
            String model,
            String modelVersion,
            List<RecommendedItem> items,
            long latencyMs) {
        this.eventId = eventId;
        this.userId = userId;
        this.timestamp = timestamp;
        this.model = model;
        this.modelVersion = modelVersion;
        this.items = items;
        this.latencyMs = latencyMs;
    }
}
