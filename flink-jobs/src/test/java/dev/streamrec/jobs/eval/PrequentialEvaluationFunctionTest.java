package dev.streamrec.jobs.eval;

import dev.streamrec.jobs.scoring.ScoredEvent;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.RecommendedItem;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prequential evaluation on RocksDB through Flink's operator harness: a user's deletion drops
 * the predictions waiting for the user's next event, leaves the other users', and emits the one
 * confirmation; the user's next event is then not scored against anything.
 */
class PrequentialEvaluationFunctionTest {

    private static ScoredEvent scored(String event, String user, String model, String chosen) {
        Prediction p = new Prediction(event, user, 1000L, model, "v1",
                List.of(new RecommendedItem("i1", 1f), new RecommendedItem("i2", 0.5f)), 0L);
        return new ScoredEvent(p, chosen, true);
    }

    @Test
    void shouldDropTheDeletedUsersPendingPredictionsAndConfirm() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PrequentialEvaluationFunction(Duration.ofDays(1))), ScoredEvent::userId,
                Types.STRING)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            for (String model : List.of("popularity", "cooccurrence")) {
                h.processElement(new StreamRecord<>(scored("a1", "alice", model, "i9")));
                h.processElement(new StreamRecord<>(scored("b1", "bob", model, "i9")));
            }
            UserDeletionConfirmation request = UserDeletionConfirmation.of(new UserDeletion("r1", "alice", 5L));
            request.sequenceEvents = 1;
            h.processElement(new StreamRecord<>(ScoredEvent.deletion(request)));

            List<UserDeletionConfirmation> confirmed = h.getSideOutput(PrequentialEvaluationFunction.DELETIONS_CONFIRMED)
                    .stream().map(StreamRecord::getValue).toList();
            assertEquals(1, confirmed.size());
            assertEquals("r1", confirmed.get(0).requestId);
            assertEquals(1, confirmed.get(0).sequenceEvents, "what the operators before dropped goes on");
            assertEquals(2, confirmed.get(0).pendingEvaluations);
            assertEquals(0, request.pendingEvaluations, "the input is not changed");
            List<Object> users = h.getOperator().getKeyedStateBackend()
                    .getKeys("last-prediction", VoidNamespace.INSTANCE).map(k -> (Object) k).toList();
            assertFalse(users.contains("alice"));
            assertTrue(users.contains("bob"));

            h.processElement(new StreamRecord<>(scored("a2", "alice", "popularity", "i1")));
            h.processElement(new StreamRecord<>(scored("b2", "bob", "popularity", "i1")));
            List<EvalRecord> tests = h.extractOutputValues();
            assertEquals(1, tests.size(), "only bob's prediction was waiting");
            assertEquals("b2", tests.get(0).eventId);
        }
    }
}
