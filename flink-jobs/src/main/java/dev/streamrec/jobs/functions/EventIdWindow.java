package dev.streamrec.jobs.functions;

import dev.streamrec.jobs.state.CompactStrings;
import dev.streamrec.jobs.state.EventIds;
import dev.streamrec.jobs.state.UserSequence;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One user's de-duplication window in keyed state: the ids of at least the last {@code window}
 * accepted events (at most {@link #chunkSize} more), so that a repeated event is ignored.
 *
 * <p>Ids are filed under their 64-bit {@link EventIds#key} with the compact id as value (a repeat
 * is the same key <em>and</em> the same id, so a key collision can let a repeat through but never
 * drops an event). Which ids to forget is known without per-event bookkeeping: the keys of recent
 * events ride in the user's sequence value ({@link UserSequence#unchunked}), and every
 * {@link #chunkSize} events they are filed as one chunk under the arrival number of its newest;
 * a chunk whose newest arrival has left the window is forgotten with all its ids. Per event that
 * is one read and one write here (it was three reads and five writes with an id-to-arrival and an
 * arrival-to-id map, whose bytes were most of the job's state and of RocksDB's compaction work).
 */
final class EventIdWindow {

    /** Event-id key -> the compact id. */
    static MapStateDescriptor<Long, byte[]> ids(StateTtlConfig ttl) {
        return withTtl(new MapStateDescriptor<>("seen-event-keys", Types.LONG,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO), ttl);
    }

    /** Arrival number of a chunk's newest event -> the chunk's keys (eight bytes each). */
    static MapStateDescriptor<Long, byte[]> chunks(StateTtlConfig ttl) {
        return withTtl(new MapStateDescriptor<>("seen-event-chunks", Types.LONG,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO), ttl);
    }

    /** Before sequence format 4: eventId -> arrival number. */
    static MapStateDescriptor<String, Long> legacyIds(StateTtlConfig ttl) {
        return withTtl(new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.LONG), ttl);
    }

    /** Before sequence format 4: arrival number -> eventId. */
    static MapStateDescriptor<Long, String> legacyOrder(StateTtlConfig ttl) {
        return withTtl(new MapStateDescriptor<>("seen-event-order", Types.LONG, Types.STRING), ttl);
    }

    /** Sequence format 1 kept its arrival count here. */
    static ValueStateDescriptor<Long> legacyArrivals(StateTtlConfig ttl) {
        ValueStateDescriptor<Long> d = new ValueStateDescriptor<>("arrivals", Types.LONG);
        d.enableTimeToLive(ttl);
        return d;
    }

    private static <K, V> MapStateDescriptor<K, V> withTtl(MapStateDescriptor<K, V> d, StateTtlConfig ttl) {
        d.enableTimeToLive(ttl);
        return d;
    }

    private final int window;
    private final MapState<Long, byte[]> ids;
    private final MapState<Long, byte[]> chunks;
    private final MapState<String, Long> legacyIds;
    private final MapState<Long, String> legacyOrder;
    private final ValueState<Long> legacyArrivals;

    EventIdWindow(RuntimeContext ctx, StateTtlConfig ttl, int window) {
        this.window = window;
        this.ids = ctx.getMapState(ids(ttl));
        this.chunks = ctx.getMapState(chunks(ttl));
        this.legacyIds = ctx.getMapState(legacyIds(ttl));
        this.legacyOrder = ctx.getMapState(legacyOrder(ttl));
        this.legacyArrivals = ctx.getState(legacyArrivals(ttl));
    }

    /** Keys per chunk: a sixteenth of the window (so at most 1/16 more is remembered), 1 to 64. */
    static int chunkSize(int window) {
        return Math.max(1, Math.min(64, window / 16));
    }

    int chunkSize() {
        return chunkSize(window);
    }

    /** Whether the id with this {@link EventIds#key} and {@link EventIds#encode compact form} was accepted within the window. */
    boolean contains(long key, byte[] id) throws Exception {
        byte[] known = ids.get(key);
        return known != null && Arrays.equals(known, id);
    }

    /** Files an accepted id (its key also goes into the sequence's unchunked keys). */
    void remember(long key, byte[] id) throws Exception {
        ids.put(key, id);
    }

    /**
     * Files the keys of a completed chunk, whose newest event got arrival number {@code newest}, and
     * forgets every chunk that has left the window.
     */
    void chunkCompleted(long newest, long[] keys) throws Exception {
        CompactStrings.Writer w = new CompactStrings.Writer(8 * keys.length);
        for (long k : keys) {
            w.int64(k);
        }
        chunks.put(newest, w.toByteArray());
        List<Long> expired = new ArrayList<>();
        for (long c : chunks.keys()) {
            if (c <= newest - window) {
                expired.add(c);
            }
        }
        for (long c : expired) {
            byte[] chunk = chunks.get(c);
            CompactStrings.Reader r = new CompactStrings.Reader(chunk);
            for (int i = chunk.length / 8; i > 0; i--) {
                ids.remove(r.int64());
            }
            chunks.remove(c);
        }
    }

    /**
     * Moves a user kept in an older sequence format to this window: every remembered id in arrival
     * order, filed in chunks (the rest become the sequence's unchunked keys), and the format-1
     * arrival count into the sequence. Clears the old state and returns the sequence in the current
     * format.
     */
    byte[] migrate(byte[] stored) throws Exception {
        UserSequence seq = UserSequence.fromBytes(stored);
        if (seq.arrivals < 0) {
            Long last = legacyArrivals.value();
            seq.arrivals = last == null ? 0 : last + 1;
        }
        TreeMap<Long, String> byArrival = new TreeMap<>();
        for (Map.Entry<Long, String> e : legacyOrder.entries()) {
            byArrival.put(e.getKey(), e.getValue());
        }
        List<Long> pending = new ArrayList<>();
        for (Map.Entry<Long, String> e : byArrival.entrySet()) {
            long key = EventIds.key(e.getValue());
            remember(key, EventIds.encode(e.getValue()));
            pending.add(key);
            if (pending.size() == chunkSize()) {
                chunkCompleted(e.getKey(), pending.stream().mapToLong(Long::longValue).toArray());
                pending.clear();
            }
        }
        seq.unchunked = pending.stream().mapToLong(Long::longValue).toArray();
        legacyIds.clear();
        legacyOrder.clear();
        legacyArrivals.clear();
        return seq.toBytes();
    }

    /** Forgets every id remembered for the current user, in every format (the user is deleted). */
    void clear() {
        ids.clear();
        chunks.clear();
        legacyIds.clear();
        legacyOrder.clear();
        legacyArrivals.clear();
    }
}
