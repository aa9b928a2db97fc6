package dev.streamrec.jobs.state;

import org.apache.flink.core.memory.DataInputDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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

    public UserSequence() {}

    /** Where an insertion landed: its index after trimming (-1 when trimmed away at once), the item trimmed off the front (or null), and whether it was the newest. */
    public record Insertion(int index, String evicted, boolean inOrder) {}

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
        return a.timestamp > b.timestamp || (a.timestamp == b.timestamp && a.eventId.compareTo(b.eventId) > 0);
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
    private static final byte FORMAT = 2;

    /**
     * The compact state form, format 2: the format byte, {@link #arrivals} and the count as varints,
     * then (item id, timestamp, event id) per entry with {@link CompactStrings}' strings.
     */
    public byte[] toBytes() {
        CompactStrings.Writer out = new CompactStrings.Writer(16 + entries.size() * 40);
        out.write(FORMAT);
        out.varint(Math.max(0, arrivals));
        out.varint(entries.size());
        for (SequenceEntry e : entries) {
            out.string(e.itemId);
            out.int64(e.timestamp);
            out.string(e.eventId);
        }
        return out.toByteArray();
    }

    /**
     * Reads {@link #toBytes}; null gives an empty sequence. Also reads format 1 (modified UTF-8
     * strings, no arrival count: {@link #arrivals} is then -1 and the caller knows where it was kept).
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
        if (format != FORMAT) {
            throw new IllegalStateException("unknown user-sequence state format " + format);
        }
        s.arrivals = in.varlong();
        int n = in.varint();
        for (int i = 0; i < n; i++) {
            s.entries.add(new SequenceEntry(in.string(), in.int64(), in.string()));
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
