package dev.streamrec.jobs.state;

import org.apache.flink.core.memory.DataInputDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A user's recent items in event-time order, bounded: the keyed state of the recommender job.
 * Out-of-order events are inserted at their place (ties by event id); when the bound is exceeded
 * the oldest entries go. Stored in keyed state in the compact form of {@link #toBytes}, read and
 * written on every event; the logic is plain Java, tested alone.
 */
public class UserSequence {

    public List<SequenceEntry> entries = new ArrayList<>();

    /**
     * Events accepted for this user so far (numbers the de-duplication window); kept with the
     * sequence so that one state read and write per event covers both.
     */
    public long arrivals;

    /**
     * The {@link EventIds#key keys} of the accepted events since the de-duplication window last
     * filed a chunk of them, oldest first: carried here because this value is written on every
     * event anyway, so the window's own state is written once per chunk rather than per event.
     */
    public long[] unchunked = new long[0];

    public UserSequence() {}

    /** Where an insertion landed: its index after trimming (-1 when trimmed away at once), the item trimmed off the front (or null), and whether it was the newest. */
    public record Insertion(int index, String evicted, boolean inOrder) {}

    /**
     * An accepted event applied to a stored sequence: the new stored form, the item ids after the
     * event in {@link CompactStrings#encodeList}' form (what the scoring request ships), the arrival
     * number given to the event (its place in the de-duplication window), where it landed, and the
     * event-id keys of a chunk this event completed (null when none did).
     */
    public record Update(byte[] state, byte[] history, long arrival, Insertion insertion, long[] completedChunk) {}

    /**
     * Applies an accepted event to the stored form {@code stored} (null: a new user), which must be
     * of the current format ({@link #isCurrent}). An event newer than the user's newest is appended to
     * the bytes as they are ({@link InOrderAppend}); any other goes through the decoded sequence. The
     * event's id key ({@link EventIds#key}) joins {@link #unchunked}; when that reaches {@code chunkSize} keys they are handed
     * back as the completed chunk and the stored list starts again.
     */
    public static Update apply(byte[] stored, SequenceEntry e, long idKey, int maxLength, int chunkSize) {
        if (!isCurrent(stored)) {
            throw new IllegalStateException("a sequence of format " + stored[0] + " must be migrated first");
        }
        Update fast = InOrderAppend.apply(stored, e, idKey, maxLength, chunkSize);
        if (fast != null) {
            return fast;
        }
        UserSequence seq = fromBytes(stored);
        long arrival = seq.arrivals++;
        Insertion at = seq.insert(e, maxLength);
        long[] keys = Arrays.copyOf(seq.unchunked, seq.unchunked.length + 1);
        keys[seq.unchunked.length] = idKey;
        boolean complete = keys.length >= chunkSize;
        seq.unchunked = complete ? new long[0] : keys;
        return new Update(seq.toBytes(), CompactStrings.encodeList(seq.itemIds()), arrival, at, complete ? keys : null);
    }

    /**
     * Whether {@code stored} is absent or of the current format; older ones kept the
     * de-duplication window (and format 1 the arrival count) in other state and must be migrated.
     */
    public static boolean isCurrent(byte[] stored) {
        return stored == null || (stored.length > 0 && stored[0] == FORMAT);
    }

    /** Inserts an event at its time order (ties by event id) and trims the oldest entries to {@code maxLength}. */
    public Insertion insert(SequenceEntry e, int maxLength) {
        int pos = entries.size();
        while (pos > 0 && after(entries.get(pos - 1), e)) {
            pos--;
        }
        boolean inOrder = pos == entries.size();
        entries.add(pos, e);
        String evicted = null;
        if (entries.size() > maxLength) {
            int drop = entries.size() - maxLength;
            if (pos < drop) {
                // the event itself is older than everything kept: the sequence is unchanged
                entries.remove(pos);
                return new Insertion(-1, null, false);
            }
            evicted = entries.get(drop - 1).itemId;
            entries.subList(0, drop).clear();
            pos -= drop;
        }
        return new Insertion(pos, evicted, inOrder);
    }

    private static boolean after(SequenceEntry a, SequenceEntry b) {
        return after(a.timestamp, a.eventId, b.timestamp, b.eventId);
    }

    /** Whether event a (time, id) comes after event b: later, or at the same time with a greater id. */
    static boolean after(long aTime, String aId, long bTime, String bId) {
        return aTime > bTime || (aTime == bTime && aId.compareTo(bId) > 0);
    }

    /** The item ids, oldest first. */
    public List<String> itemIds() {
        List<String> ids = new ArrayList<>(entries.size());
        for (SequenceEntry e : entries) {
            ids.add(e.itemId);
        }
        return ids;
    }

    public long newestTimestamp() {
        return entries.isEmpty() ? Long.MIN_VALUE : entries.get(entries.size() - 1).timestamp;
    }

    private static final byte FORMAT_UTF = 1;
    private static final byte FORMAT_STRINGS = 2;
    private static final byte FORMAT_COMPACT_IDS = 3;
    static final byte FORMAT = 4;

    /**
     * The compact state form, format 4: the format byte, {@link #arrivals} and the count as varints,
     * then per entry the item id ({@link CompactStrings}' string), the timestamp (eight bytes) and
     * the event id ({@link EventIds}), then {@link #unchunked} (a varint count and eight bytes per
     * key). Format 3 had no {@link #unchunked}; format 2 also kept every event id as a string.
     */
    public byte[] toBytes() {
        CompactStrings.Writer out = new CompactStrings.Writer(16 + entries.size() * 40);
        out.write(FORMAT);
        out.varint(Math.max(0, arrivals));
        out.varint(entries.size());
        for (SequenceEntry e : entries) {
            out.string(e.itemId);
            out.int64(e.timestamp);
            EventIds.write(out, e.eventId);
        }
        out.varint(unchunked.length);
        for (long k : unchunked) {
            out.int64(k);
        }
        return out.toByteArray();
    }

    /**
     * Reads {@link #toBytes}; null gives an empty sequence. Also reads formats 3, 2 and 1 (modified
     * UTF-8 strings, no arrival count: {@link #arrivals} is then -1 and the caller knows where it was kept).
     */
    public static UserSequence fromBytes(byte[] bytes) {
        UserSequence s = new UserSequence();
        if (bytes == null) {
            return s;
        }
        if (bytes.length > 0 && bytes[0] == FORMAT_UTF) {
            return fromFormat1(bytes);
        }
        CompactStrings.Reader in = new CompactStrings.Reader(bytes);
        int format = in.read();
        if (format != FORMAT && format != FORMAT_COMPACT_IDS && format != FORMAT_STRINGS) {
            throw new IllegalStateException("unknown user-sequence state format " + format);
        }
        s.arrivals = in.varlong();
        int n = in.varint();
        for (int i = 0; i < n; i++) {
            s.entries.add(new SequenceEntry(in.string(), in.int64(),
                    format == FORMAT_STRINGS ? in.string() : EventIds.read(in)));
        }
        if (format == FORMAT) {
            s.unchunked = new long[in.varint()];
            for (int i = 0; i < s.unchunked.length; i++) {
                s.unchunked[i] = in.int64();
            }
        }
        in.expectEnd();
        return s;
    }

    private static UserSequence fromFormat1(byte[] bytes) {
        UserSequence s = new UserSequence();
        s.arrivals = -1;
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        try {
            in.readByte();
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) {
                s.entries.add(new SequenceEntry(in.readUTF(), in.readLong(), in.readUTF()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }
}
