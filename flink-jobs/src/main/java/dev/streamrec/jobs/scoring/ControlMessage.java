package dev.streamrec.jobs.scoring;

import dev.streamrec.schema.event.ItemFeatures;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.SharedCounts;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What reaches every scoring subtask besides events, one of three: new or changed item features,
 * a model update (deploy a version, roll back to one), or what another subtask's users add to a
 * model's shared counts. Each carries where it came from, for a dead letter if a model refuses it.
 * A receiver handles all three through one {@link #dispatchTo}; Flink carries them with
 * {@link ControlMessageSerializer} (POJO payloads, no Kryo).
 */
@TypeInfo(ControlMessageTypeInfo.Factory.class)
public sealed interface ControlMessage
        permits ControlMessage.NewItemFeatures, ControlMessage.NewModelUpdate, ControlMessage.NewSharedCounts {

    /** Where a control message was read: topic, partition, offset (topic null when unknown). */
    record Origin(String topic, int partition, long offset) {
        /** No known origin. */
        public static final Origin UNKNOWN = new Origin(null, 0, 0L);
    }

    /** What a receiver does with each kind of control message. */
    interface Handler {
        void onItemFeatures(ItemFeatures features, Origin origin) throws Exception;

        void onModelUpdate(ModelUpdate update, Origin origin) throws Exception;

        void onSharedCounts(SharedCounts counts, Origin origin) throws Exception;
    }

    /** Where this message was read. */
    Origin origin();

    /** This message, read at {@code topic}, {@code partition}, {@code offset}. */
    ControlMessage from(String topic, int partition, long offset);

    /** Hands this message to the one method of {@code handler} that takes its kind. */
    void dispatchTo(Handler handler) throws Exception;

    static ControlMessage of(ItemFeatures features) {
        return new NewItemFeatures(features, Origin.UNKNOWN);
    }

    static ControlMessage of(ModelUpdate update) {
        return new NewModelUpdate(update, Origin.UNKNOWN);
    }

    static ControlMessage of(SharedCounts counts) {
        return new NewSharedCounts(counts, Origin.UNKNOWN);
    }

    /** New or changed features of one item. */
    record NewItemFeatures(ItemFeatures features, Origin origin) implements ControlMessage {
        @Override
        public ControlMessage from(String topic, int partition, long offset) {
            return new NewItemFeatures(features, new Origin(topic, partition, offset));
        }

        @Override
        public void dispatchTo(Handler handler) throws Exception {
            handler.onItemFeatures(features, origin);
        }
    }

    /** A model version to deploy or roll back to. */
    record NewModelUpdate(ModelUpdate update, Origin origin) implements ControlMessage {
        @Override
        public ControlMessage from(String topic, int partition, long offset) {
            return new NewModelUpdate(update, new Origin(topic, partition, offset));
        }

        @Override
        public void dispatchTo(Handler handler) throws Exception {
            handler.onModelUpdate(update, origin);
        }
    }

    /** What another subtask's users add to a model's shared counts. */
    record NewSharedCounts(SharedCounts counts, Origin origin) implements ControlMessage {
        @Override
        public ControlMessage from(String topic, int partition, long offset) {
            return new NewSharedCounts(counts, new Origin(topic, partition, offset));
        }

        @Override
        public void dispatchTo(Handler handler) throws Exception {
            handler.onSharedCounts(counts, origin);
        }
    }
}
