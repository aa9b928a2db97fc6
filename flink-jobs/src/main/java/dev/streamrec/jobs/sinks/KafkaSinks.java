package dev.streamrec.jobs.sinks;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.config.KafkaClientProperties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;

import java.util.Map;

/**
 * Builds the job's Kafka sinks with one delivery guarantee for all outputs: transactional
 * (exactly-once, visible on checkpoint) or at-least-once (visible at once, duplicates possible after
 * a failure), and the job's {@code kafka.properties.*} (security, tuning) on every producer
 * ({@link KafkaClientProperties}).
 */
public final class KafkaSinks {

    private KafkaSinks() {}

    /**
     * A sink to {@code topic}; {@code writer} tells apart several sinks of one topic (each needs its
     * own transactional id prefix).
     */
    public static <T> KafkaSink<T> create(Configuration conf, OutputTopic<T> topic, String writer) {
        boolean exactlyOnce = conf.get(JobOptions.DELIVERY) == JobOptions.DeliveryGuarantee.EXACTLY_ONCE;
        return create(conf, topic, writer,
                exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE);
    }

    /**
     * A sink to {@code topic} with its own guarantee: for the job's internal topics, whose records
     * are idempotent, at-least-once spares the transaction a transactional sink opens at every
     * checkpoint even when it has nothing to write.
     */
    public static <T> KafkaSink<T> create(Configuration conf, OutputTopic<T> topic, String writer,
            DeliveryGuarantee guarantee) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(KafkaClientProperties.from(conf).client(Map.of(
                        "transaction.timeout.ms", String.valueOf(conf.get(JobOptions.TRANSACTION_TIMEOUT).toMillis()),
                        "max.request.size", String.valueOf(4 * 1024 * 1024),
                        "linger.ms", String.valueOf(conf.get(JobOptions.SINK_LINGER).toMillis()),
                        "batch.size", String.valueOf(conf.get(JobOptions.SINK_BATCH_SIZE).getBytes()))))
                .setRecordSerializer(new JsonRecordSerializer<>(topic))
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(conf.get(JobOptions.GROUP_ID) + "-" + topic.name() + "-" + writer)
                .build();
    }
}
