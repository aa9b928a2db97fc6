package dev.streamrec.jobs.eval;

import dev.streamrec.jobs.scoring.ScoredEvent;
import dev.streamrec.jobs.state.UserStateTtl;
import dev.streamrec.schema.event.RecommendedItem;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Prequential (test-then-train) evaluation per user: when a user's next event arrives, the list each
 * model recommended after the previous event is scored against the item actually chosen, then
 * replaced by the new prediction. Late (out-of-order) events are not "next" items: they are neither
 * scored nor do they replace the stored prediction. A user's deletion, the last operator holding
 * state of the user, drops the user's stored predictions unevaluated and emits the confirmation
 * ({@link #DELETIONS_CONFIRMED}) with everything dropped on the way.
 */
public final class PrequentialEvaluationFunction extends KeyedProcessFunction<String, ScoredEvent, EvalRecord> {

    /** One confirmation per deletion, once every operator holding the user's state dropped it. */
    public static final OutputTag<UserDeletionConfirmation> DELETIONS_CONFIRMED =
            new OutputTag<>("user-deletions-confirmed") {};

    private final Duration ttl;
    private transient MapState<String, LastPrediction> last;

    public PrequentialEvaluationFunction(Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext ctx) {
        MapStateDescriptor<String, LastPrediction> d = new MapStateDescriptor<>(
                "last-prediction", Types.STRING, TypeInformation.of(LastPrediction.class));
        d.enableTimeToLive(UserStateTtl.of(ttl));
        last = getRuntimeContext().getMapState(d);
    }

    @Override
    public void processElement(ScoredEvent e, Context ctx, Collector<EvalRecord> out) throws Exception {
        if (!e.hasPrediction()) {
            UserDeletionConfirmation dropped = e.deletion.copy();
            for (String ignored : last.keys()) {
                dropped.pendingEvaluations++;
            }
            last.clear();
            dropped.confirmedAt = System.currentTimeMillis();
            ctx.output(DELETIONS_CONFIRMED, dropped);
            return;
        }
        if (!e.inOrder) {
            return;
        }
        String model = e.prediction.model;
        LastPrediction previous = last.get(model);
        if (previous != null) {
            out.collect(new EvalRecord(model, previous.modelVersion, e.prediction.timestamp,
                    previous.rankOf(e.chosenItemId), e.prediction.eventId));
        }
        List<String> ids = new ArrayList<>(e.prediction.items.size());
        for (RecommendedItem i : e.prediction.items) {
            ids.add(i.itemId);
        }
        last.put(model, new LastPrediction(e.prediction.modelVersion, ids));
    }
}
