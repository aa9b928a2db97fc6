package dev.streamrec.jobs.eval;

/**
 * One prequential test: the rank (1-based, 0 = not in the list) of the item a user chose in the
 * prediction a model version made just before. POJO.
 */
public class EvalRecord {
    public String model;
    public String modelVersion;
    public long timestamp;
    public int rank;
    public String eventId;

    public EvalRecord() {}

    public EvalRecord(String model, String modelVersion, long timestamp, int rank, String eventId) {
        this.model = model;
        this.modelVersion = modelVersion;
        this.timestamp = timestamp;
        this.rank = rank;
        this.eventId = eventId;
    }

    /** The {@link EvalSegment#modelKey aggregation key} of the test's model version. */
    public String modelKey() {
        return EvalSegment.modelKey(model, modelVersion);
    }
}
