package dev.streamrec.jobs.sources;

/**
 * A Kafka record exactly as received (bytes untouched) with its coordinates, so that anything the
 * parser rejects can be dead-lettered with where it came from. POJO for Flink's serializer.
 */
public class RawRecord {
    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp (ms): the ingest time for latency. */
    public long timestamp;
    /** When the job's source read it (ms, processing time): the start of the job's own latency. */
    public long readAtMillis;
    public byte[] key;
    public byte[] value;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }
}
