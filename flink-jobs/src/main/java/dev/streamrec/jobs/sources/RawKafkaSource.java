package dev.streamrec.jobs.sources;

import dev.streamrec.jobs.config.KafkaClientProperties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.util.Map;

/**
 * The job's Kafka sources, all alike: raw records with their coordinates, committed transactional
 * data only, resuming from checkpointed (else committed, else earliest) offsets, and room for
 * oversized payloads so that the parser, not the consumer, rejects them; the job's
 * {@code kafka.properties.*} (security, tuning) on top ({@link KafkaClientProperties}).
 */
public final class RawKafkaSource {

    private RawKafkaSource() {}

    public static KafkaSource<RawRecord> create(Configuration conf, String groupId, String... topics) {
        return create(conf, groupId, OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST), topics);
    }

    /** The same, starting where {@code start} says when there is no checkpoint to resume from. */
    public static KafkaSource<RawRecord> create(Configuration conf, String groupId, OffsetsInitializer start,
            String... topics) {
        return KafkaSource.<RawRecord>builder()
                .setProperties(KafkaClientProperties.from(conf).client(Map.of(
                        "isolation.level", "read_committed",
                        "partition.discovery.interval.ms", "10000",
                        "max.partition.fetch.bytes", String.valueOf(4 * 1024 * 1024))))
                .setTopics(topics)
                .setGroupId(groupId)
                .setStartingOffsets(start)
                .setDeserializer(new RawRecordDeserializer())
                .build();
    }
}
