package dev.streamrec.jobs.sources;

import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.serde.DecodeResult;
import dev.streamrec.schema.serde.EventCodec;

import java.util.function.Function;

/**
 * A Kafka record exactly as received (bytes untouched) with its coordinates, so that anything the
 * parser rejects can be dead-lettered with where it came from ({@link #decode}, {@link #deadLetter}).
 * POJO for Flink's serializer.
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

    /**
     * This record's value decoded by {@code decoder}; an exception of the decoder (a codec bug) is an
     * error result too, so that no record can fail the job.
     */
    public <T> DecodeResult<T> decode(Function<byte[], DecodeResult<T>> decoder) {
        try {
            return decoder.apply(value);
        } catch (RuntimeException e) {
            return DecodeResult.error("unexpected decoding failure: " + e);
        }
    }

    /** This record as a dead letter with {@code reason} and its coordinates. */
    public DeadLetter deadLetter(String reason) {
        return EventCodec.deadLetter(reason, value, topic, partition, offset, System.currentTimeMillis());
    }
}
