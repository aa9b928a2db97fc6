package dev.streamrec.jobs.state;

import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserSequenceTest {

    @Test
    void shouldPlaceOutOfOrderEventsInTimeOrderAndBoundTheLength() {
        UserSequence s = new UserSequence();
        assertTrue(s.insert(new SequenceEntry("a", 10, "e1"), 3).inOrder());
        assertTrue(s.insert(new SequenceEntry("c", 30, "e3"), 3).inOrder());
        assertEquals(new UserSequence.Insertion(1, null, false), s.insert(new SequenceEntry("b", 20, "e2"), 3));
        assertEquals(List.of("a", "b", "c"), s.itemIds());
        assertEquals(new UserSequence.Insertion(2, "a", true), s.insert(new SequenceEntry("d", 40, "e4"), 3));
        assertEquals(List.of("b", "c", "d"), s.itemIds());
        // a late event older than everything kept is placed first, then trimmed away
        assertEquals(new UserSequence.Insertion(-1, null, false), s.insert(new SequenceEntry("z", 1, "e0"), 3));
        assertEquals(List.of("b", "c", "d"), s.itemIds());
        // same timestamp: ordered by event id
        assertEquals(new UserSequence.Insertion(1, "b", false), s.insert(new SequenceEntry("y", 40, "e3b"), 3));
        assertEquals(List.of("c", "y", "d"), s.itemIds());
        assertEquals(40, s.newestTimestamp());
    }

    @Test
    void shouldRoundTripTheCompactFormIncludingTheArrivalCount() {
        UserSequence s = new UserSequence();
        s.insert(new SequenceEntry("film-é", 10, "e1"), 5);
        s.insert(new SequenceEntry("", 20, "ünïcode-id-" + "x".repeat(300)), 5);
        s.arrivals = 123_456_789_012L;
        UserSequence back = UserSequence.fromBytes(s.toBytes());
        assertEquals(s.itemIds(), back.itemIds());
        assertEquals(s.arrivals, back.arrivals);
        assertEquals(20, back.newestTimestamp());
        assertEquals(s.entries.get(1).eventId, back.entries.get(1).eventId);
        assertTrue(UserSequence.fromBytes(null).entries.isEmpty());
        assertEquals(0, UserSequence.fromBytes(null).arrivals);
    }

    @Test
    void shouldReadFormatOneWithAnUnknownArrivalCount() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(1);
        out.writeShort(2);
        out.writeUTF("a");
        out.writeLong(10);
        out.writeUTF("e1");
        out.writeUTF("b");
        out.writeLong(20);
        out.writeUTF("e2");
        UserSequence s = UserSequence.fromBytes(out.getCopyOfBuffer());
        assertEquals(List.of("a", "b"), s.itemIds());
        assertEquals(-1, s.arrivals);
        assertEquals("e2", s.entries.get(1).eventId);
    }

    @Test
    void shouldRejectTruncatedOrUnknownState() {
        byte[] bytes = new UserSequence().toBytes();
        UserSequence s = new UserSequence();
        s.insert(new SequenceEntry("a", 10, "e1"), 5);
        byte[] full = s.toBytes();
        assertThrows(IllegalStateException.class, () -> UserSequence.fromBytes(java.util.Arrays.copyOf(full, full.length - 1)));
        bytes[0] = 9;
        assertThrows(IllegalStateException.class, () -> UserSequence.fromBytes(bytes));
    }

    @Test
    void shouldRoundTripStringListsAndVarints() {
        List<String> ids = List.of("1", "", "ñ-ü", "x".repeat(200));
        assertEquals(ids, CompactStrings.decodeList(CompactStrings.encodeList(ids)));
        assertEquals(List.of(), CompactStrings.decodeList(CompactStrings.encodeList(List.of())));
        assertEquals(1, CompactStrings.encodeList(List.of()).length);
        CompactStrings.Writer w = new CompactStrings.Writer(1);
        long[] values = {0, 127, 128, 300, Integer.MAX_VALUE, Long.MAX_VALUE};
        for (long v : values) {
            w.varint(v);
            w.int64(-v);
        }
        CompactStrings.Reader r = new CompactStrings.Reader(w.toByteArray());
        for (long v : values) {
            assertEquals(v, r.varlong());
            assertEquals(-v, r.int64());
        }
        r.expectEnd();
        assertThrows(IllegalArgumentException.class, () -> new CompactStrings.Writer(4).varint(-1));
    }
}
