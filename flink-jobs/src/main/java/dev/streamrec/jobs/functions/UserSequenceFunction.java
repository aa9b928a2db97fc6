package dev.streamrec.jobs.functions;

import dev.streamrec.jobs.scoring.ScoringRequest;
import dev.streamrec.jobs.state.EventIds;
import dev.streamrec.jobs.state.SequenceEntry;
import dev.streamrec.jobs.state.UserSequence;
import dev.streamrec.jobs.state.UserStateTtl;
import dev.streamrec.schema.event.InteractionEvent;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Keeps each user's recent sequence in keyed state (RocksDB in every deployment): ignores a
 * repeated event id (at least the last {@code dedupWindow} ids per user are remembered, see
 * {@link EventIdWindow}), places out-of-order events in time order, bounds the length, expires
 * idle users after the TTL, and emits a {@link ScoringRequest} per accepted event. A deletion
 * request (input 2, keyed by user like the events) drops the user's sequence and de-duplication
 * window and goes on, in order with the user's requests, as a {@link ScoringRequest#deletion
 * deletion request} saying how many events were dropped; the user's next event starts a fresh
 * history. Only state work happens here.
 */
public final class UserSequenceFunction
        extends KeyedCoProcessFunction<String, InteractionEvent, UserDeletion, ScoringRequest> {

    /** The sequence in {@link UserSequence#toBytes}' compact form. */
    static final ValueStateDescriptor<byte[]> SEQUENCE =
            new ValueStateDescriptor<>("user-sequence", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final int maxLength;
    private final int dedupWindow;
    private final Duration ttl;

    private transient ValueState<byte[]> sequence;
    private transient EventIdWindow seen;
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
        sequence = getRuntimeContext().getState(seq);
        seen = new EventIdWindow(getRuntimeContext(), ttlConfig, dedupWindow);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
        outOfOrder = getRuntimeContext().getMetricGroup().counter("outOfOrderEvents");
    }

    @Override
    public void processElement1(InteractionEvent e, Context ctx, Collector<ScoringRequest> out) throws Exception {
        byte[] stored = sequence.value();
        if (!UserSequence.isCurrent(stored)) {
            stored = seen.migrate(stored);
            sequence.update(stored);
        }
        long idKey = EventIds.key(e.eventId);
        byte[] id = EventIds.encode(e.eventId);
        if (seen.contains(idKey, id)) {
            duplicates.inc();
            return;
        }
        UserSequence.Update u = UserSequence.apply(stored, new SequenceEntry(e.itemId, e.timestamp, e.eventId),
                idKey, maxLength, seen.chunkSize());
        seen.remember(idKey, id);
        if (u.completedChunk() != null) {
            seen.chunkCompleted(u.arrival(), u.completedChunk());
        }
        sequence.update(u.state());
        ScoringRequest r = new ScoringRequest();
        r.inOrder = u.insertion().inOrder();
        r.insertedAt = u.insertion().index();
        r.evicted = u.insertion().evicted();
        if (!r.inOrder) {
            outOfOrder.inc();
        }
        r.eventId = e.eventId;
        r.userId = e.userId;
        r.itemId = e.itemId;
        r.timestamp = e.timestamp;
        r.ingestTimeMillis = e.ingestTimeMillis;
        r.readAtMillis = e.readAtMillis;
        r.historyBytes = u.history();
        out.collect(r);
    }

    /** Drops everything kept of the user and passes the deletion on, with the number of events dropped. */
    @Override
    public void processElement2(UserDeletion d, Context ctx, Collector<ScoringRequest> out) throws Exception {
        UserDeletionConfirmation dropped = UserDeletionConfirmation.of(d);
        dropped.sequenceEvents = UserSequence.fromBytes(sequence.value()).entries.size();
        sequence.clear();
        seen.clear();
        out.collect(ScoringRequest.deletion(dropped));
    }
}
