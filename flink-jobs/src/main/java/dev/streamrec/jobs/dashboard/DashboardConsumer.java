package dev.streamrec.jobs.dashboard;

import dev.streamrec.schema.serde.EventCodec;
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

/**
 * Reads {@code eval-metrics}, {@code predictions} and {@code dead-letters} from the beginning as an
 * outside read_committed client (no coupling to the job's internals) and feeds a
 * {@link DashboardTimeline}. Runs on its own daemon thread until closed.
 */
public final class DashboardConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardConsumer.class);

    private final DashboardTopics topics;
    private final DashboardTimeline timeline;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    public DashboardConsumer(String bootstrap, DashboardTopics topics, DashboardTimeline timeline) {
        this.topics = topics;
        this.timeline = timeline;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "streamrec-dashboard",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        this.thread = new Thread(this::loop, "dashboard-consumer");
        this.thread.setDaemon(true);
    }

    public DashboardConsumer start() {
        thread.start();
        return this;
    }

    private void loop() {
        EventCodec codec = new EventCodec();
        try {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : List.of(topics.evalMetrics(), topics.predictions(), topics.deadLetters())) {
                consumer.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        dispatch(codec, r);
                    } catch (RuntimeException e) {
                        LOG.warn("skipping an undecodable record on {}: {}", r.topic(), e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("dashboard consumer stopped", e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void dispatch(EventCodec codec, ConsumerRecord<byte[], byte[]> r) {
        if (r.topic().equals(topics.predictions())) {
            timeline.onPrediction(codec.decodePrediction(r.value()), r.timestamp());
        } else if (r.topic().equals(topics.deadLetters())) {
            timeline.onDeadLetter(r.timestamp());
        } else if (r.topic().equals(topics.evalMetrics())) {
            timeline.onEvalMetrics(codec.decodeEvalMetrics(r.value()));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
