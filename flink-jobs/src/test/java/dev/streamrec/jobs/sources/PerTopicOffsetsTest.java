package dev.streamrec.jobs.sources;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each topic's partitions start where its own initializer says, the others where the default does. */
class PerTopicOffsetsTest {

    /** Partitions whose offsets are 0 to 100, record n written at time 1,000 + n. */
    private static final class Topics implements OffsetsInitializer.PartitionOffsetsRetriever {
        @Override
        public Map<TopicPartition, Long> committedOffsets(Collection<TopicPartition> partitions) {
            return Map.of();
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
            return all(partitions, 100L);
        }

        @Override
        public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
            return all(partitions, 0L);
        }

        @Override
        public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> times) {
            Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
            times.forEach((p, t) -> out.put(p, new OffsetAndTimestamp(t - 1_000L, t)));
            return out;
        }

        private static Map<TopicPartition, Long> all(Collection<TopicPartition> partitions, long offset) {
            Map<TopicPartition, Long> out = new HashMap<>();
            partitions.forEach(p -> out.put(p, offset));
            return out;
        }
    }

    @Test
    void shouldStartEachTopicWhereItsInitializerSays() {
        TopicPartition features = new TopicPartition("item-features", 0);
        TopicPartition shared0 = new TopicPartition("shared-counts", 0);
        TopicPartition shared1 = new TopicPartition("shared-counts", 1);
        PerTopicOffsets offsets = new PerTopicOffsets(OffsetsInitializer.earliest(),
                Map.of("shared-counts", OffsetsInitializer.timestamp(1_042L)));
        assertEquals(Map.of(features, KafkaPartitionSplit.EARLIEST_OFFSET, shared0, 42L, shared1, 42L),
                offsets.getPartitionOffsets(List.of(features, shared0, shared1), new Topics()));
        assertEquals(OffsetResetStrategy.EARLIEST, offsets.getAutoOffsetResetStrategy());
    }
}
