package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.scoring.ControlMessage.Origin;
import dev.streamrec.schema.event.ItemFeatures;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.SharedCounts;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlMessageSerializerTest {

    private static TypeSerializer<ControlMessage> serializer() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // as the job runs: no silent Kryo fallback
        TypeInformation<ControlMessage> info = TypeInformation.of(ControlMessage.class);
        assertInstanceOf(ControlMessageTypeInfo.class, info);
        return info.createSerializer(config);
    }

    private static ControlMessage roundTrip(TypeSerializer<ControlMessage> s, ControlMessage m) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(m, out);
        return s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void shouldRoundTripEachKindWithItsOrigin() throws Exception {
        TypeSerializer<ControlMessage> s = serializer();
        ControlMessage features = ControlMessage.of(new ItemFeatures("i1", "a film",
                Map.of("text", new float[] {0.5f, -1f}))).from("item-features", 2, 41L);
        ControlMessage update = ControlMessage.of(new ModelUpdate("sasrec", "v2", "file:/m", "abc", "deploy", 7L))
                .from("model-updates", 0, 3L);
        ControlMessage counts = ControlMessage.of(new SharedCounts());

        ControlMessage.NewItemFeatures f = (ControlMessage.NewItemFeatures) roundTrip(s, features);
        assertEquals(new Origin("item-features", 2, 41L), f.origin());
        assertEquals("i1", f.features().itemId);
        assertArrayEquals(new float[] {0.5f, -1f}, f.features().modalities.get("text"));

        ControlMessage.NewModelUpdate u = (ControlMessage.NewModelUpdate) roundTrip(s, update);
        assertEquals(new Origin("model-updates", 0, 3L), u.origin());
        assertEquals("v2", u.update().version);
        assertEquals("deploy", u.update().action);

        ControlMessage.NewSharedCounts c = (ControlMessage.NewSharedCounts) roundTrip(s, counts);
        assertEquals(Origin.UNKNOWN, c.origin());
    }

    @Test
    void shouldDispatchEachKindToItsOwnHandlerMethod() throws Exception {
        List<String> handled = new ArrayList<>();
        ControlMessage.Handler h = new ControlMessage.Handler() {
            @Override
            public void onItemFeatures(ItemFeatures features, Origin origin) {
                handled.add("features " + features.itemId + " @" + origin.offset());
            }

            @Override
            public void onModelUpdate(ModelUpdate update, Origin origin) {
                handled.add("update " + update.version);
            }

            @Override
            public void onSharedCounts(SharedCounts counts, Origin origin) {
                handled.add("counts");
            }
        };
        ControlMessage.of(new ItemFeatures("i1", null, Map.of())).from("t", 0, 5L).dispatchTo(h);
        ControlMessage.of(new ModelUpdate("m", "v1", null, null, "rollback", 1L)).dispatchTo(h);
        ControlMessage.of(new SharedCounts()).dispatchTo(h);
        assertEquals(List.of("features i1 @5", "update v1", "counts"), handled);
    }

    @Test
    void shouldRestoreACompatibleSerializerFromItsSnapshot() throws Exception {
        TypeSerializer<ControlMessage> s = serializer();
        TypeSerializerSnapshot<ControlMessage> snapshot = s.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<ControlMessage> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertTrue(s.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs());
        assertEquals(s, read.restoreSerializer());
    }
}
