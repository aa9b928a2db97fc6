package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.SumsUserStates;
import dev.streamrec.model.serving.UserStateful;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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

    /** A model whose shared state is item -> users: a stored state is its comma-separated items. */
    private static final class Summing implements SumsUserStates {
        final Map<String, Integer> own = new TreeMap<>();
        final Map<String, Integer> others = new TreeMap<>();

        @Override
        public String name() {
            return "bm3";
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

        @Override
        public void userStateStored(byte[] previous, byte[] stored) {
            countsChanged(previous, stored).forEach((item, n) -> own.merge(item, n, Integer::sum));
            own.values().removeIf(n -> n == 0);
        }

        @Override
        public void forgetUserStates() {
            own.clear();
        }

        @Override
        public Map<String, Integer> countsChanged(byte[] previous, byte[] stored) {
            Map<String, Integer> out = new HashMap<>();
            count(stored, 1, out);
            count(previous, -1, out);
            out.values().removeIf(n -> n == 0);
            return out;
        }

        private static void count(byte[] state, int sign, Map<String, Integer> out) {
            if (state != null) {
                for (String item : new String(state, StandardCharsets.UTF_8).split(",")) {
                    out.merge(item, sign, Integer::sum);
                }
            }
        }

        @Override
        public void addCountsOfOtherUsers(Map<String, Integer> delta) {
            delta.forEach((item, n) -> others.merge(item, n, Integer::sum));
            others.values().removeIf(n -> n == 0);
        }
    }

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
        return items.getBytes(StandardCharsets.UTF_8);
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
        Summing bm3 = new Summing();
        ServedModel served = new ServedModel("bm3", bm3);
        SharedCountExchange here = subtask(0);
        here.servedNow(served);
        Summing onOther = new Summing();
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
