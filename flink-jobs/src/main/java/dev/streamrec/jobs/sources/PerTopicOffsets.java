package dev.streamrec.jobs.sources;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a source that reads several topics starts when it has no checkpoint to resume from, per
 * topic: one source can then read a topic whose history matters from its beginning and one whose
 * history does not from a recent point, without a second source task.
 */
public final class PerTopicOffsets implements OffsetsInitializer {

    private static final long serialVersionUID = 1L;

    private final OffsetsInitializer otherwise;
    private final HashMap<String, OffsetsInitializer> byTopic;

    /** {@code byTopic} for the topics it names, {@code otherwise} for the rest. */
    public PerTopicOffsets(OffsetsInitializer otherwise, Map<String, OffsetsInitializer> byTopic) {
        this.otherwise = otherwise;
        this.byTopic = new HashMap<>(byTopic);
    }

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(Collection<TopicPartition> partitions,
            PartitionOffsetsRetriever retriever) {
        Map<OffsetsInitializer, List<TopicPartition>> groups = new LinkedHashMap<>();
        for (TopicPartition p : partitions) {
            groups.computeIfAbsent(byTopic.getOrDefault(p.topic(), otherwise), i -> new ArrayList<>()).add(p);
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        groups.forEach((initializer, group) -> out.putAll(initializer.getPartitionOffsets(group, retriever)));
        return out;
    }

    /** The strategy of the topics not named: what the reader falls back to where no committed offset is. */
    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return otherwise.getAutoOffsetResetStrategy();
    }
}
