package dev.streamrec.jobs.dashboard;

import dev.streamrec.jobs.kafka.CommittedTopicsTail;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.List;

/**
 * Reads {@code eval-metrics}, {@code predictions} and {@code dead-letters} from the beginning as an
 * outside read_committed client (no coupling to the job's internals) and feeds a
 * {@link DashboardTimeline}. Runs on its own daemon thread until closed.
 */
public final class DashboardConsumer implements AutoCloseable {

    private final DashboardTopics topics;
    private final DashboardTimeline timeline;
    private final EventCodec codec = new EventCodec();
    private final CommittedTopicsTail tail;

    public DashboardConsumer(KafkaClientProperties kafka, DashboardTopics topics, DashboardTimeline timeline) {
        this.topics = topics;
        this.timeline = timeline;
        this.tail = new CommittedTopicsTail(kafka, "streamrec-dashboard",
                List.of(topics.evalMetrics(), topics.predictions(), topics.deadLetters()), this::dispatch);
    }

    public DashboardConsumer start() {
        tail.start();
        return this;
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> r) {
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
        tail.close();
    }
}
