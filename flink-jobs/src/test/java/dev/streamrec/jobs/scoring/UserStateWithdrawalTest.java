package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.testutil.SummingModel;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.UserStateful;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A deleted user's stored states taken out of the served models: a model that sums its users'
 * states ends up counting exactly what it would had it never seen the user, on this subtask and,
 * through the exchange, on the other; the confirmation names every dropped state and the counts
 * withdrawn.
 */
class UserStateWithdrawalTest {

    private static final int KEY_GROUPS = 128;

    /** A model with per-user state and no shared counts (MISSRec's working set). */
    private static final class Stateful implements UserStateful {
        @Override
        public String name() {
            return "missrec";
        }

        @Override
        public String version() {
            return "v1";
        }

        @Override
        public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
            return List.of();
        }

        @Override
        public List<Answer> answer(List<RecommendRequest> batch) {
            return List.of();
        }
    }

    private static byte[] state(String items) {
        return SummingModel.state("v1", items);
    }

    private static String userOf(int subtask, int n) {
        return IntStream.range(0, 10_000).mapToObj(i -> "user-" + i)
                .filter(u -> KeyGroupRangeAssignment.assignKeyToParallelOperator(u, KEY_GROUPS, 2) == subtask)
                .skip(n).findFirst().orElseThrow();
    }

    private static SharedCountExchange subtask(int index) {
        return new SharedCountExchange(KEY_GROUPS,
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(KEY_GROUPS, 2, index));
    }

    @Test
    void shouldLeaveTheCountsOfAModelThatNeverSawTheUser() {
        SummingModel bm3 = new SummingModel("v1");
        ServedModel served = new ServedModel("bm3", bm3);
        SharedCountExchange here = subtask(0);
        here.servedNow(served);
        SummingModel onOther = new SummingModel("v1");
        SharedCountExchange other = subtask(1);
        other.servedNow(new ServedModel("bm3", onOther));
        String alice = userOf(0, 0);
        String bob = userOf(0, 1);
        for (String[] u : new String[][] {{alice, "i1,i2"}, {bob, "i2,i3"}}) {
            bm3.userStateStored(null, state(u[1]));
            here.stored(served, u[0], null, state(u[1]));
        }
        for (SharedCounts c : here.drain(1L)) {
            other.received(c, List.of(new ServedModel("bm3", onOther)));
        }
        assertEquals(Map.of("i1", 1, "i2", 2, "i3", 1), onOther.others);

        UserDeletionConfirmation dropped = UserDeletionConfirmation.of(new UserDeletion("r1", alice, 5L));
        Map<String, byte[]> stored = new TreeMap<>(Map.of("bm3", state("i1,i2"), "missrec", state("x"),
                "retired-model", state("y")));
        UserStateWithdrawal.withdraw(alice, stored, List.of(served, new ServedModel("missrec", new Stateful())), here,
                dropped);

        assertEquals(Map.of("i2", 1, "i3", 1), bm3.own, "only bob's edges count here");
        for (SharedCounts c : here.drain(2L)) {
            other.received(c, List.of(new ServedModel("bm3", onOther)));
        }
        assertEquals(Map.of("i2", 1, "i3", 1), onOther.others, "and on the other subtask");
        assertEquals(List.of("bm3", "missrec", "retired-model"), dropped.modelStates);
        assertEquals(Map.of("bm3", 2), dropped.countsWithdrawn);
    }
}
