package dev.streamrec.jobs.kafka;

import dev.streamrec.jobs.config.KafkaClientProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads topics from their beginning as an outside {@code read_committed} client (what any consumer
 * of the job's exactly-once output sees) on its own daemon thread, and hands every record to a
 * handler until closed. A record the handler cannot take is logged and skipped. Shared by the
 * dashboard and the local mode's output monitor, which watch the same output topics.
 */
public final class CommittedTopicsTail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommittedTopicsTail.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final List<String> topics;
    private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    /** A tail of {@code topics} on the broker of {@code kafka}; {@code clientId} names the consumer and its thread. */
    public CommittedTopicsTail(KafkaClientProperties kafka, String clientId, List<String> topics,
            Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.consumer = new KafkaConsumer<>(kafka.client(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)));
        this.thread = new Thread(this::loop, clientId);
        this.thread.setDaemon(true);
    }

    public CommittedTopicsTail start() {
        thread.start();
        return this;
    }

    private void loop() {
        try {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                consumer.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    try {
                        handler.accept(r);
                    } catch (RuntimeException e) {
                        LOG.warn("skipping a record on {} that could not be read: {}", r.topic(), e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("{} stopped reading", thread.getName(), e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
