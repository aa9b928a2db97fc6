package dev.streamrec.jobs.functions;

import dev.streamrec.jobs.scoring.ScoringRequest;
import dev.streamrec.jobs.state.SequenceEntry;
import dev.streamrec.jobs.state.UserSequence;
import dev.streamrec.jobs.state.UserStateTtl;
import dev.streamrec.schema.event.InteractionEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Keeps each user's recent sequence in keyed state (RocksDB in every deployment): ignores a
 * repeated event id (the last {@code dedupWindow} ids per user are remembered), places
 * out-of-order events in time order, bounds the length, expires idle users after the TTL, and
 * emits a {@link ScoringRequest} per accepted event. Only state work happens here.
 */
public final class UserSequenceFunction extends KeyedProcessFunction<String, InteractionEvent, ScoringRequest> {

    /** The sequence in {@link UserSequence#toBytes}' compact form. */
    static final ValueStateDescriptor<byte[]> SEQUENCE =
            new ValueStateDescriptor<>("user-sequence", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    /** eventId -> its arrival number for this user. */
    static final MapStateDescriptor<String, Long> SEEN_IDS =
            new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.LONG);
    /** arrival number -> eventId, to forget the oldest id once the window is full. */
    static final MapStateDescriptor<Long, String> SEEN_ORDER =
            new MapStateDescriptor<>("seen-event-order", Types.LONG, Types.STRING);
    /** Where format-1 sequences kept their arrival count; read once and cleared when such a sequence is met. */
    static final ValueStateDescriptor<Long> ARRIVALS = new ValueStateDescriptor<>("arrivals", Types.LONG);

    private final int maxLength;
    private final int dedupWindow;
    private final Duration ttl;

    private transient ValueState<byte[]> sequence;
    private transient MapState<String, Long> seenIds;
    private transient MapState<Long, String> seenOrder;
    private transient ValueState<Long> arrivals;
    private transient Counter duplicates;
    private transient Counter outOfOrder;

    public UserSequenceFunction(int maxLength, int dedupWindow, Duration ttl) {
        this.maxLength = maxLength;
        this.dedupWindow = dedupWindow;
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext ctx) {
        StateTtlConfig ttlConfig = UserStateTtl.of(ttl);
        ValueStateDescriptor<byte[]> seq =
                new ValueStateDescriptor<>(SEQUENCE.getName(), PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        seq.enableTimeToLive(ttlConfig);
        MapStateDescriptor<String, Long> ids = new MapStateDescriptor<>(SEEN_IDS.getName(), Types.STRING, Types.LONG);
        ids.enableTimeToLive(ttlConfig);
        MapStateDescriptor<Long, String> order = new MapStateDescriptor<>(SEEN_ORDER.getName(), Types.LONG, Types.STRING);
        order.enableTimeToLive(ttlConfig);
        ValueStateDescriptor<Long> arr = new ValueStateDescriptor<>(ARRIVALS.getName(), Types.LONG);
        arr.enableTimeToLive(ttlConfig);
        sequence = getRuntimeContext().getState(seq);
        seenIds = getRuntimeContext().getMapState(ids);
        seenOrder = getRuntimeContext().getMapState(order);
        arrivals = getRuntimeContext().getState(arr);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
        outOfOrder = getRuntimeContext().getMetricGroup().counter("outOfOrderEvents");
    }

    @Override
    public void processElement(InteractionEvent e, Context ctx, Collector<ScoringRequest> out) throws Exception {
        if (seenIds.contains(e.eventId)) {
            duplicates.inc();
            return;
        }
        UserSequence seq = UserSequence.fromBytes(sequence.value());
        if (seq.arrivals < 0) {
            seq.arrivals = legacyArrivals();
        }
        remember(e.eventId, seq.arrivals++);
        ScoringRequest r = new ScoringRequest();
        UserSequence.Insertion at = seq.insert(new SequenceEntry(e.itemId, e.timestamp, e.eventId), maxLength);
        r.inOrder = at.inOrder();
        r.insertedAt = at.index();
        r.evicted = at.evicted();
        if (!r.inOrder) {
            outOfOrder.inc();
        }
        sequence.update(seq.toBytes());
        r.eventId = e.eventId;
        r.userId = e.userId;
        r.itemId = e.itemId;
        r.timestamp = e.timestamp;
        r.ingestTimeMillis = e.ingestTimeMillis;
        r.setHistory(seq.itemIds());
        out.collect(r);
    }

    /** The arrival count of a sequence stored in format 1, moved out of its old state. */
    private long legacyArrivals() throws Exception {
        Long last = arrivals.value();
        arrivals.clear();
        return last == null ? 0L : last + 1;
    }

    /** Records {@code eventId} as arrival number {@code next} and forgets the one that leaves the window. */
    private void remember(String eventId, long next) throws Exception {
        seenIds.put(eventId, next);
        seenOrder.put(next, eventId);
        long expired = next - dedupWindow;
        if (expired >= 0) {
            String old = seenOrder.get(expired);
            if (old != null) {
                seenOrder.remove(expired);
                seenIds.remove(old);
            }
        }
    }
}
