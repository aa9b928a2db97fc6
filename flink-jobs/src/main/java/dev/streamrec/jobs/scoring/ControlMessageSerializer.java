package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.scoring.ControlMessage.NewItemFeatures;
import dev.streamrec.jobs.scoring.ControlMessage.NewModelUpdate;
import dev.streamrec.jobs.scoring.ControlMessage.NewSharedCounts;
import dev.streamrec.jobs.scoring.ControlMessage.Origin;
import dev.streamrec.schema.event.ItemFeatures;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.SharedCounts;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.Objects;

/**
 * Writes a {@link ControlMessage} as a tag (which of the three it is), its origin and its payload
 * with the payload's own POJO serializer.
 */
public final class ControlMessageSerializer extends TypeSerializer<ControlMessage> {

    private static final long serialVersionUID = 1L;
    private static final byte ITEM_FEATURES = 0;
    private static final byte MODEL_UPDATE = 1;
    private static final byte SHARED_COUNTS = 2;

    private final TypeSerializer<ItemFeatures> itemFeatures;
    private final TypeSerializer<ModelUpdate> modelUpdates;
    private final TypeSerializer<SharedCounts> sharedCounts;

    ControlMessageSerializer(SerializerConfig config) {
        this(TypeInformation.of(ItemFeatures.class).createSerializer(config),
                TypeInformation.of(ModelUpdate.class).createSerializer(config),
                TypeInformation.of(SharedCounts.class).createSerializer(config));
    }

    ControlMessageSerializer(TypeSerializer<ItemFeatures> itemFeatures, TypeSerializer<ModelUpdate> modelUpdates,
            TypeSerializer<SharedCounts> sharedCounts) {
        this.itemFeatures = itemFeatures;
        this.modelUpdates = modelUpdates;
        this.sharedCounts = sharedCounts;
    }

    @Override
    public boolean isImmutableType() {
        return false; // the payloads are mutable POJOs
    }

    @Override
    public TypeSerializer<ControlMessage> duplicate() {
        return new ControlMessageSerializer(itemFeatures.duplicate(), modelUpdates.duplicate(), sharedCounts.duplicate());
    }

    @Override
    public ControlMessage createInstance() {
        return ControlMessage.of(itemFeatures.createInstance());
    }

    @Override
    public ControlMessage copy(ControlMessage from) {
        if (from instanceof NewItemFeatures m) {
            return new NewItemFeatures(itemFeatures.copy(m.features()), m.origin());
        } else if (from instanceof NewModelUpdate m) {
            return new NewModelUpdate(modelUpdates.copy(m.update()), m.origin());
        } else {
            NewSharedCounts m = (NewSharedCounts) from;
            return new NewSharedCounts(sharedCounts.copy(m.counts()), m.origin());
        }
    }

    @Override
    public ControlMessage copy(ControlMessage from, ControlMessage reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ControlMessage record, DataOutputView target) throws IOException {
        if (record instanceof NewItemFeatures m) {
            target.writeByte(ITEM_FEATURES);
            writeOrigin(m.origin(), target);
            itemFeatures.serialize(m.features(), target);
        } else if (record instanceof NewModelUpdate m) {
            target.writeByte(MODEL_UPDATE);
            writeOrigin(m.origin(), target);
            modelUpdates.serialize(m.update(), target);
        } else {
            NewSharedCounts m = (NewSharedCounts) record;
            target.writeByte(SHARED_COUNTS);
            writeOrigin(m.origin(), target);
            sharedCounts.serialize(m.counts(), target);
        }
    }

    @Override
    public ControlMessage deserialize(DataInputView source) throws IOException {
        byte tag = source.readByte();
        Origin origin = readOrigin(source);
        switch (tag) {
            case ITEM_FEATURES:
                return new NewItemFeatures(itemFeatures.deserialize(source), origin);
            case MODEL_UPDATE:
                return new NewModelUpdate(modelUpdates.deserialize(source), origin);
            case SHARED_COUNTS:
                return new NewSharedCounts(sharedCounts.deserialize(source), origin);
            default:
                throw new IOException("unknown control message tag " + tag);
        }
    }

    @Override
    public ControlMessage deserialize(ControlMessage reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    private static void writeOrigin(Origin o, DataOutputView target) throws IOException {
        StringSerializer.INSTANCE.serialize(o.topic(), target);
        target.writeInt(o.partition());
        target.writeLong(o.offset());
    }

    private static Origin readOrigin(DataInputView source) throws IOException {
        return new Origin(StringSerializer.INSTANCE.deserialize(source), source.readInt(), source.readLong());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlMessageSerializer s && itemFeatures.equals(s.itemFeatures)
                && modelUpdates.equals(s.modelUpdates) && sharedCounts.equals(s.sharedCounts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(itemFeatures, modelUpdates, sharedCounts);
    }

    @Override
    public TypeSerializerSnapshot<ControlMessage> snapshotConfiguration() {
        return new Snapshot(this);
    }

    /** The serializer's snapshot: the three payload serializers' snapshots. */
    public static final class Snapshot extends CompositeTypeSerializerSnapshot<ControlMessage, ControlMessageSerializer> {

        public Snapshot() {}

        Snapshot(ControlMessageSerializer serializer) {
            super(serializer);
        }

        @Override
        protected int getCurrentOuterSnapshotVersion() {
            return 1;
        }

        @Override
        protected TypeSerializer<?>[] getNestedSerializers(ControlMessageSerializer outer) {
            return new TypeSerializer<?>[] {outer.itemFeatures, outer.modelUpdates, outer.sharedCounts};
        }

        @Override
        @SuppressWarnings("unchecked")
        protected ControlMessageSerializer createOuterSerializerWithNestedSerializers(TypeSerializer<?>[] nested) {
            return new ControlMessageSerializer((TypeSerializer<ItemFeatures>) nested[0],
                    (TypeSerializer<ModelUpdate>) nested[1], (TypeSerializer<SharedCounts>) nested[2]);
        }
    }
}
