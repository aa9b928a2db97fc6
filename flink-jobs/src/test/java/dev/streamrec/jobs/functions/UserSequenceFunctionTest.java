package dev.streamrec.jobs.functions;

import dev.streamrec.jobs.scoring.ScoringRequest;
import dev.streamrec.jobs.state.CompactStrings;
import dev.streamrec.jobs.state.UserSequence;
import dev.streamrec.jobs.state.UserStateTtl;
import dev.streamrec.schema.event.InteractionEvent;
import dev.streamrec.schema.event.UserDeletion;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sequence operator on the RocksDB backend through Flink's operator harness: the
 * de-duplication window's bounds, the move of state written before sequence format 4, and a
 * user's deletion, which leaves nothing of the user in any of its states.
 */
class UserSequenceFunctionTest {

    private static final Duration TTL = Duration.ofDays(1);
    private static final StateTtlConfig TTL_CONFIG = UserStateTtl.of(TTL);

    private static KeyedTwoInputStreamOperatorTestHarness<String, InteractionEvent, UserDeletion, ScoringRequest> harness(int window)
            throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, InteractionEvent, UserDeletion, ScoringRequest>(
                new KeyedCoProcessOperator<>(new UserSequenceFunction(3, window, TTL)), e -> e.userId, d -> d.userId,
                Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.open();
        return h;
    }

    private static List<String> accepted(KeyedTwoInputStreamOperatorTestHarness<String, InteractionEvent, UserDeletion, ScoringRequest> h,
            String... ids) throws Exception {
        int before = h.extractOutputValues().size();
        for (String id : ids) {
            h.processElement1(new StreamRecord<>(new InteractionEvent(id, "alice", "item-" + id, 1000L, "view", null)));
        }
        List<ScoringRequest> out = h.extractOutputValues();
        return out.subList(before, out.size()).stream().map(r -> r.eventId).toList();
    }

    @Test
    void shouldRememberAtLeastTheWindowAndAtMostASixteenthMore() throws Exception {
        int window = 64; // chunks of 4
        try (var h = harness(window)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                ids.add("e" + i);
            }
            assertEquals(ids, accepted(h, ids.toArray(String[]::new)));
            // every id among the last 64 is a repeat
            for (int back = 1; back <= window; back++) {
                assertEquals(List.of(), accepted(h, "e" + (300 - back)), "e" + (300 - back));
            }
            // ids further back than the window and its last chunk are new again
            assertEquals(List.of("e" + (300 - window - 8)), accepted(h, "e" + (300 - window - 8)));
            h.getOperator().setCurrentKey("alice");
            MapState<Long, byte[]> kept = state(h).getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, EventIdWindow.ids(TTL_CONFIG));
            int n = 0;
            for (Long ignored : kept.keys()) {
                n++;
            }
            assertTrue(n >= window && n <= window + window / 16, "remembered " + n);
        }
    }

    @Test
    void shouldLetARepeatThroughRatherThanDropAnEventWhenTwoIdsShareAKey() throws Exception {
        // derived ids are filed under their first 16 hex digits: these two share a key
        String x = "d-0123456789abcdef" + "0".repeat(16);
        String y = "d-0123456789abcdef" + "1".repeat(16);
        assertEquals(dev.streamrec.jobs.state.EventIds.key(x), dev.streamrec.jobs.state.EventIds.key(y));
        try (var h = harness(1000)) {
            assertEquals(List.of(x, y), accepted(h, x, y)); // y is not mistaken for a repeat of x
            assertEquals(List.of(), accepted(h, y));
            assertEquals(List.of(x), accepted(h, x));        // the key now names y: x's repeat gets through
        }
    }

    @Test
    void shouldMoveAnOlderSequenceAndItsWindowIntoTheCurrentFormat() throws Exception {
        try (var h = harness(8)) {
            h.getOperator().setCurrentKey("alice");
            KeyedStateBackend<Object> backend = state(h);
            // what the operator kept before format 4: a format-2 sequence and two id maps
            MapState<String, Long> legacyIds = backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, EventIdWindow.legacyIds(TTL_CONFIG));
            MapState<Long, String> legacyOrder = backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, EventIdWindow.legacyOrder(TTL_CONFIG));
            for (long a = 0; a < 10; a++) {
                legacyIds.put("e" + a, a);
                legacyOrder.put(a, "e" + a);
            }
            ValueStateDescriptor<byte[]> seqDescriptor = new ValueStateDescriptor<>(UserSequenceFunction.SEQUENCE.getName(),
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
            seqDescriptor.enableTimeToLive(TTL_CONFIG);
            ValueState<byte[]> sequence = backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, seqDescriptor);
            CompactStrings.Writer w = new CompactStrings.Writer(64);
            w.write(2);
            w.varint(10);
            w.varint(2);
            for (int i = 8; i < 10; i++) {
                w.string("item-e" + i);
                w.int64(900L + i);
                w.string("e" + i);
            }
            sequence.update(w.toByteArray());

            assertEquals(List.of(), accepted(h, "e9", "e3"));   // still within the window
            assertEquals(List.of("e10"), accepted(h, "e10"));
            assertEquals(List.of("e1"), accepted(h, "e1"));    // left the window with e10's arrival
            h.getOperator().setCurrentKey("alice");
            assertFalse(legacyIds.keys().iterator().hasNext());
            assertFalse(legacyOrder.keys().iterator().hasNext());
            UserSequence now = UserSequence.fromBytes(sequence.value());
            assertTrue(UserSequence.isCurrent(sequence.value()));
            assertEquals(12, now.arrivals);
            // e10 and e1 share a timestamp: ordered by event id
            assertEquals(List.of("item-e9", "item-e1", "item-e10"), now.itemIds());
        }
    }

    @Test
    void shouldDropEverythingOfADeletedUserAndStartAFreshHistoryAfterwards() throws Exception {
        try (var h = harness(8)) { // chunks of one id: the chunk state is written too
            assertEquals(List.of("e1", "e2", "e3", "e4"), accepted(h, "e1", "e2", "e3", "e4"));
            h.processElement1(new StreamRecord<>(new InteractionEvent("b1", "bob", "item-b1", 1000L, "view", null)));
            List<String> states = List.of(UserSequenceFunction.SEQUENCE.getName(), "seen-event-keys", "seen-event-chunks");
            for (String name : states) {
                assertTrue(keysOf(h, name).contains("alice"), name + " holds alice before");
            }

            h.processElement2(new StreamRecord<>(new UserDeletion("req-1", "alice", 2000L)));
            List<ScoringRequest> out = h.extractOutputValues();
            ScoringRequest deletion = out.get(out.size() - 1);
            assertEquals("alice", deletion.userId);
            assertEquals("req-1", deletion.deletion.requestId);
            assertEquals(3, deletion.deletion.sequenceEvents, "the sequence kept 3 of alice's 4 events");
            for (String name : states) {
                assertFalse(keysOf(h, name).contains("alice"), name + " still holds alice");
                assertTrue(keysOf(h, name).contains("bob"), name + " lost bob");
            }

            // the same event id again is no repeat any more: a fresh history of one item
            assertEquals(List.of("e4"), accepted(h, "e4"));
            out = h.extractOutputValues();
            assertEquals(List.of("item-e4"), out.get(out.size() - 1).history());
            assertEquals(null, out.get(out.size() - 1).deletion);
        }
    }

    private static List<Object> keysOf(
            KeyedTwoInputStreamOperatorTestHarness<String, InteractionEvent, UserDeletion, ScoringRequest> h, String stateName) {
        try (var keys = state(h).getKeys(stateName, VoidNamespace.INSTANCE)) {
            return keys.toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static KeyedStateBackend<Object> state(KeyedTwoInputStreamOperatorTestHarness<String, InteractionEvent, UserDeletion, ScoringRequest> h) {
        return (KeyedStateBackend<Object>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
    }
}
