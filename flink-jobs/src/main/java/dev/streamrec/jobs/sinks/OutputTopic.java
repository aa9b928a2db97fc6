package dev.streamrec.jobs.sinks;

import dev.streamrec.jobs.scoring.ScoredEvent;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import dev.streamrec.schema.serde.EventCodec;

import java.io.Serializable;

/**
 * One of the job's output topics, typed by what is written to it: the topic's name, the record key
 * (the documented one: predictions by userId, dead letters by source partition, evaluation metrics
 * by model, shared counts by key group, deletion confirmations by userId) and the v1 JSON value.
 */
public final class OutputTopic<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The key of a record. */
    @FunctionalInterface
    public interface KeyOf<T> extends Serializable {
        String keyOf(T record);
    }

    /** The value of a record, as JSON. */
    @FunctionalInterface
    public interface Encoding<T> extends Serializable {
        byte[] encode(EventCodec codec, T record);
    }

    private final String name;
    private final KeyOf<T> key;
    private final Encoding<T> value;

    private OutputTopic(String name, KeyOf<T> key, Encoding<T> value) {
        this.name = name;
        this.key = key;
        this.value = value;
    }

    /** Predictions, key = userId. */
    public static OutputTopic<ScoredEvent> predictions(String name) {
        return new OutputTopic<>(name, s -> s.prediction.userId, (codec, s) -> codec.encodePrediction(s.prediction));
    }

    /** Dead letters, key = source topic and partition (keeps their order). */
    public static OutputTopic<DeadLetter> deadLetters(String name) {
        return new OutputTopic<>(name, d -> d.topic + "-" + d.partition, EventCodec::encodeDeadLetter);
    }

    /** Evaluation metrics, key = model. */
    public static OutputTopic<EvalMetrics> evalMetrics(String name) {
        return new OutputTopic<>(name, m -> m.model, EventCodec::encodeEvalMetrics);
    }

    /** Shared counts, key = model/version/keyGroup: Kafka keeps each key group's messages in order. */
    public static OutputTopic<SharedCounts> sharedCounts(String name) {
        return new OutputTopic<>(name, c -> c.model + "/" + c.version + "/" + c.keyGroup,
                EventCodec::encodeSharedCounts);
    }

    /** Deletion confirmations, key = userId. */
    public static OutputTopic<UserDeletionConfirmation> deletionConfirmations(String name) {
        return new OutputTopic<>(name, c -> c.userId, EventCodec::encodeUserDeletionConfirmation);
    }

    public String name() {
        return name;
    }

    /** The record's key. */
    public String keyOf(T record) {
        return key.keyOf(record);
    }

    /** The record's value, encoded with {@code codec}. */
    public byte[] encode(EventCodec codec, T record) {
        return value.encode(codec, record);
    }
}
