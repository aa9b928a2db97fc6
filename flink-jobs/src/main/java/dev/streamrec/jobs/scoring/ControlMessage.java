package dev.streamrec.jobs.scoring;

import dev.streamrec.schema.event.ItemFeatures;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.SharedCounts;

/**
 * What reaches every scoring subtask besides events: new or changed item features, a model update
 * (deploy a version, roll back to one), or what another subtask's users add to a model's shared
 * counts. Exactly one of the three fields is set. POJO.
 */
public class ControlMessage {
    public ItemFeatures itemFeatures;
    public ModelUpdate modelUpdate;
    public SharedCounts sharedCounts;
    /** Where the message came from, for a dead letter if a model refuses it. */
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;

    public ControlMessage() {}

    public static ControlMessage of(ItemFeatures f) {
        ControlMessage m = new ControlMessage();
        m.itemFeatures = f;
        return m;
    }

    public static ControlMessage of(ModelUpdate u) {
        ControlMessage m = new ControlMessage();
        m.modelUpdate = u;
        return m;
    }

    public static ControlMessage of(SharedCounts c) {
        ControlMessage m = new ControlMessage();
        m.sharedCounts = c;
        return m;
    }

    /** Records the source coordinates; returns this. */
    public ControlMessage from(String topic, int partition, long offset) {
        this.sourceTopic = topic;
        this.sourcePartition = partition;
        this.sourceOffset = offset;
        return this;
    }
}
