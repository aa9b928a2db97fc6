package dev.streamrec.jobs.sinks;

import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Writes the job's outputs to their {@link OutputTopic}: its key and its v1 JSON value.
 */
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final OutputTopic<T> topic;
    private transient EventCodec codec;

    public JsonRecordSerializer(OutputTopic<T> topic) {
        this.topic = topic;
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
        return new ProducerRecord<>(topic.name(), null, null, topic.keyOf(element).getBytes(StandardCharsets.UTF_8),
                topic.encode(codec, element));
    }
}
