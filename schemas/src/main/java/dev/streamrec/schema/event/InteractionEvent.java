package dev.streamrec.schema.event;

/**
 * A validated interaction (schema {@code interaction} v1): who did what with which item, when. The
 * event id is always set: taken from the payload or derived deterministically from its content, so
 * a replayed duplicate carries the same id. Value may be null.
 *
 * <p>A mutable POJO (public fields, no-arg constructor) so Flink serialises it without Kryo.
 */
public class InteractionEvent {
    public String eventId;
    public String userId;
    public String itemId;
    public long timestamp;
    public String type;
    public Double value;
    /** Kafka record timestamp of the source record (ingest time, ms); not part of the wire format. */
    public long ingestTimeMillis;
    /** When the job's source read the record (ms, processing time; 0 unknown); not part of the wire format. */
    public long readAtMillis;

    public InteractionEvent() {}

    public InteractionEvent(
            String eventId, String userId, String itemId, long timestamp, String type, Double value) {
        this.eventId = eventId;
        this.userId = userId;
        this.itemId = itemId;
        this.timestamp = timestamp;
        this.type = type;
        this.value = value;
    }

    @Override
    public String toString() {
        return "InteractionEvent{" + eventId + ", user=" + userId + ", item=" + itemId + ", ts=" + timestamp
                + ", " + type + (value == null ? "" : ", value=" + value) + "}";
    }
}
