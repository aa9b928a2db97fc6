package dev.streamrec.jobs.sinks;

import dev.streamrec.jobs.scoring.ScoredEvent;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Writes the job's outputs as their v1 JSON with the documented keys: predictions by userId, dead
 * letters by source partition (keeps their order), evaluation metrics by model.
 */
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    /** Which output this serializer writes. */
    public enum Kind {
        PREDICTION,
        DEAD_LETTER,
        EVAL_METRICS,
        SHARED_COUNTS
    }

    private final String topic;
    private final Kind kind;
    private transient EventCodec codec;

    public JsonRecordSerializer(String topic, Kind kind) {
        this.topic = topic;
        this.kind = kind;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = new EventCodec();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = new EventCodec();
        }
        String key;
        byte[] value;
        switch (kind) {
            case PREDICTION:
                ScoredEvent s = (ScoredEvent) element;
                key = s.prediction.userId;
                value = codec.encodePrediction(s.prediction);
                break;
            case DEAD_LETTER:
                DeadLetter d = (DeadLetter) element;
                key = d.topic + "-" + d.partition;
                value = codec.encodeDeadLetter(d);
                break;
            case SHARED_COUNTS:
                // One key per key group: Kafka keeps each key group's messages in order.
                SharedCounts c = (SharedCounts) element;
                key = c.model + "/" + c.version + "/" + c.keyGroup;
                value = codec.encodeSharedCounts(c);
                break;
            default:
                EvalMetrics m = (EvalMetrics) element;
                key = m.model;
                value = codec.encodeEvalMetrics(m);
        }
        return new ProducerRecord<>(topic, null, null, key.getBytes(StandardCharsets.UTF_8), value);
    }
}
