package dev.streamrec.jobs.state;

/** One item of a user's recent sequence. POJO for Flink's serializer. */
public class SequenceEntry {
    public String itemId;
    public long timestamp;
    public String eventId;

    public SequenceEntry() {}

    public SequenceEntry(String itemId, long timestamp, String eventId) {
        this.itemId = itemId;
        this.timestamp = timestamp;
        this.eventId = eventId;
    }
}
