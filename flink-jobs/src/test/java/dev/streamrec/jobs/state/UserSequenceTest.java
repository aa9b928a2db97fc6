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

    @Test
    void shouldAppendInOrderEventsOnTheBytesExactlyAsTheDecodedPathDoes() throws Exception {
        java.util.Random random = new java.util.Random(11);
        for (int user = 0; user < 200; user++) {
            int maxLength = 1 + random.nextInt(6);
            int chunkSize = 1 + random.nextInt(5);
            List<Long> keys = new java.util.ArrayList<>();
            byte[] stored = null;
            UserSequence reference = new UserSequence();
            long time = 1_000;
            for (int i = 0; i < 40; i++) {
                if (random.nextInt(15) == 0) {
                    maxLength = 1 + random.nextInt(6); // a restart with another bound: several may go at once
                }
                // mostly in order, with ties at the same time and some late events
                time += random.nextInt(4) == 0 ? 0 : random.nextInt(100) - (random.nextInt(5) == 0 ? 250 : 0);
                String id = random.nextBoolean()
                        ? dev.streamrec.schema.serde.EventCodec.deriveEventId("u" + user, "i" + i, time, "click")
                        : "e" + random.nextInt(1000) + "-" + i;
                SequenceEntry e = new SequenceEntry(random.nextInt(7) == 0 ? "ï-" + i : String.valueOf(random.nextInt(50)),
                        time, id);
                boolean onBytes = InOrderAppend.apply(stored, e, EventIds.key(id), maxLength, chunkSize) != null;
                UserSequence.Update u = UserSequence.apply(stored, e, EventIds.key(id), maxLength, chunkSize);
                keys.add(EventIds.key(id));
                long arrival = reference.arrivals++;
                UserSequence.Insertion at = reference.insert(e, maxLength);
                assertEquals(at, u.insertion());
                // every in-order event of a known user is appended on the bytes
                assertEquals(stored != null && at.inOrder(), onBytes);
                assertEquals(arrival, u.arrival());
                assertEquals(reference.itemIds(), CompactStrings.decodeList(u.history()));
                UserSequence back = UserSequence.fromBytes(u.state());
                assertEquals(reference.arrivals, back.arrivals);
                assertEquals(describe(reference), describe(back));
                // the id keys ride along until a chunk of them is complete, then they are handed back
                if (keys.size() == chunkSize) {
                    assertEquals(keys, java.util.Arrays.stream(u.completedChunk()).boxed().toList());
                    keys.clear();
                } else {
                    assertEquals(null, u.completedChunk());
                }
                assertEquals(keys, java.util.Arrays.stream(back.unchunked).boxed().toList());
                stored = u.state();
            }
        }
    }

    @Test
    void shouldReadAFormatTwoSequenceAndContinueItInTheCurrentFormat() throws Exception {
        CompactStrings.Writer w = new CompactStrings.Writer(64);
        w.write(2);
        w.varint(7);
        w.varint(2);
        String derived = dev.streamrec.schema.serde.EventCodec.deriveEventId("u", "a", 10, "click");
        for (Object[] entry : new Object[][] {{"a", 10L, derived}, {"b", 20L, "e2"}}) {
            w.string((String) entry[0]);
            w.int64((Long) entry[1]);
            w.string((String) entry[2]);
        }
        byte[] formatTwo = w.toByteArray();
        UserSequence old = UserSequence.fromBytes(formatTwo);
        assertEquals(List.of("a", "b"), old.itemIds());
        assertEquals(derived, old.entries.get(0).eventId);
        assertFalse(UserSequence.isCurrent(formatTwo));
        assertThrows(IllegalStateException.class, () -> UserSequence.apply(formatTwo, new SequenceEntry("c", 30, "e3"), EventIds.key("e3"), 2, 4));
        byte[] migrated = old.toBytes();
        assertTrue(UserSequence.isCurrent(migrated));
        UserSequence.Update u = UserSequence.apply(migrated, new SequenceEntry("c", 30, "e3"), EventIds.key("e3"), 2, 4);
        assertEquals(new UserSequence.Insertion(1, "a", true), u.insertion());
        assertEquals(7, u.arrival());
        assertEquals(UserSequence.FORMAT, u.state()[0]);
        UserSequence back = UserSequence.fromBytes(u.state());
        assertEquals(List.of("b", "c"), back.itemIds());
        assertEquals(8, back.arrivals);
        assertEquals(List.of("b", "c"), CompactStrings.decodeList(u.history()));
    }

    @Test
    void shouldKeepDerivedEventIdsAsSixteenBytesAndEveryOtherIdAsItIs() {
        String derived = dev.streamrec.schema.serde.EventCodec.deriveEventId("u1", "i1", 42, "view");
        for (String id : List.of(derived, derived.toUpperCase(), "d-" + "0".repeat(31), "d-" + "g".repeat(32), "e1", "", "d-")) {
            CompactStrings.Writer w = new CompactStrings.Writer(4);
            EventIds.write(w, id);
            byte[] bytes = w.toByteArray();
            assertEquals(id.equals(derived) ? 17 : 1 + 1 + id.length(), bytes.length, id);
            CompactStrings.Reader r = new CompactStrings.Reader(bytes);
            assertEquals(id, EventIds.read(r));
            r.expectEnd();
            CompactStrings.Reader skipped = new CompactStrings.Reader(bytes);
            EventIds.skip(skipped);
            skipped.expectEnd();
        }
    }

    @Test
    void shouldKeyDerivedIdsByTheirDigestAndOtherIdsByAMixedHash() {
        String derived = dev.streamrec.schema.serde.EventCodec.deriveEventId("u1", "i1", 42, "view");
        assertEquals(Long.parseUnsignedLong(derived.substring(2, 18), 16), EventIds.key(derived));
        assertEquals(EventIds.key("e1"), EventIds.key("e1"));
        java.util.Set<Long> keys = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            keys.add(EventIds.key("event-" + i));
        }
        assertEquals(10_000, keys.size());
    }

    private static List<String> describe(UserSequence s) {
        return s.entries.stream().map(e -> e.itemId + "@" + e.timestamp + "#" + e.eventId).toList();
    }
}
