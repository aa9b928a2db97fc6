package dev.streamrec.jobs.testutil;

import dev.streamrec.jobs.config.KafkaClientProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Plain Kafka clients for tests: produce payloads, read a topic back as a read_committed consumer. */
public final class KafkaTestClient {

    private final KafkaClientProperties kafka;

    public KafkaTestClient(String bootstrap) {
        this(KafkaClientProperties.of(bootstrap));
    }

    /** Clients with the settings (credentials) of {@code kafka}. */
    public KafkaTestClient(KafkaClientProperties kafka) {
        this.kafka = kafka;
    }

    public void produce(String topic, List<String> keys, List<byte[]> values) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(kafka.client(Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            for (int i = 0; i < values.size(); i++) {
                byte[] key = keys.get(i) == null ? null : keys.get(i).getBytes(StandardCharsets.UTF_8);
                p.send(new ProducerRecord<>(topic, key, values.get(i)));
            }
            p.flush();
        }
    }

    /** Reads committed records of a topic until {@code done} holds for what was read, or the timeout. */
    public List<ConsumerRecord<byte[], byte[]>> readUntil(
            String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(kafka.client(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < deadline && !done.test(out)) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Reads for a fixed time (to prove that nothing more arrives). */
    public List<ConsumerRecord<byte[], byte[]>> readFor(String topic, Duration time) {
        return readUntil(topic, r -> false, time);
    }
}
