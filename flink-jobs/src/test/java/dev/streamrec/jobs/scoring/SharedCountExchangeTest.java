package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.testutil.SummingModel;
import dev.streamrec.schema.event.SharedCounts;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two subtasks' exchanges, wired by hand as the shared-counts topic wires them: each one's model
 * ends up counting the other one's users, whatever was published twice, after a full republish,
 * and across a swap of versions.
 */
class SharedCountExchangeTest {

    private static final int KEY_GROUPS = 128;

    private static SharedCountExchange subtask(int index) {
        return new SharedCountExchange(KEY_GROUPS,
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(KEY_GROUPS, 2, index));
    }

    /** A user that the keyed stream gives to {@code subtask} of 2. */
    private static String userOf(int subtask, int n) {
        return IntStream.range(0, 10_000).mapToObj(i -> "user-" + i)
                .filter(u -> KeyGroupRangeAssignment.assignKeyToParallelOperator(u, KEY_GROUPS, 2) == subtask)
                .skip(n).findFirst().orElseThrow();
    }

    /** Both subtasks of a job of parallelism 2, each serving v1 of the summing model. */
    private static final class TwoSubtasks {
        final SharedCountExchange a = subtask(0);
        final SharedCountExchange b = subtask(1);
        final SummingModel onA = new SummingModel("v1");
        final SummingModel onB = new SummingModel("v1");

        TwoSubtasks() {
            a.servedNow(served(onA));
            b.servedNow(served(onB));
        }
    }

    /** The model as the scoring operator serves it, under its own name. */
    private static ServedModel served(SummingModel model) {
        return new ServedModel(model.name(), model);
    }

    private static void deliver(List<SharedCounts> published, SharedCountExchange to, SummingModel served) {
        for (SharedCounts c : published) {
            to.received(c, List.of(served(served)));
        }
    }

    @Test
    void shouldPublishEveryOwnKeyGroupWholeFirstThenOnlyWhatChanged() {
        SharedCountExchange a = subtask(0);
        SummingModel model = new SummingModel("v1");
        a.servedNow(served(model));
        String u = userOf(0, 0);
        a.stored(served(model), u, null, SummingModel.state("v1", "i1,i2"));
        List<SharedCounts> first = a.drain(1L);
        assertEquals(KEY_GROUPS / 2, first.size(), "one message per own key group");
        assertTrue(first.stream().allMatch(c -> c.full && c.keyGroups == KEY_GROUPS && c.keyGroup < KEY_GROUPS / 2));
        SharedCounts withUser = first.stream().filter(c -> c.keyGroup == a.keyGroupOf(u)).findFirst().orElseThrow();
        assertEquals(Map.of("i1", 1, "i2", 1), withUser.counts);
        assertEquals(List.of(), a.drain(2L), "nothing changed");

        // the user drops i1 and takes i3: absolute counts of the changed items only
        a.stored(served(model), u, SummingModel.state("v1", "i1,i2"), SummingModel.state("v1", "i2,i3"));
        List<SharedCounts> next = a.drain(3L);
        assertEquals(1, next.size());
        assertFalse(next.get(0).full);
        assertEquals(Map.of("i1", 0, "i3", 1), next.get(0).counts);
    }

    @Test
    void shouldCountTheOtherSubtasksUsersWhateverIsReadTwiceOrRepublished() {
        TwoSubtasks two = new TwoSubtasks();
        two.a.stored(served(two.onA), userOf(0, 0), null, SummingModel.state("v1", "i1,i2"));
        two.a.stored(served(two.onA), userOf(0, 1), null, SummingModel.state("v1", "i2"));
        two.b.stored(served(two.onB), userOf(1, 0), null, SummingModel.state("v1", "i9"));
        List<SharedCounts> fromA = two.a.drain(1L);
        List<SharedCounts> fromB = two.b.drain(1L);
        deliver(fromA, two.b, two.onB);
        deliver(fromB, two.a, two.onA);
        assertEquals(Map.of("i1", 1, "i2", 2), two.onB.others);
        assertEquals(Map.of("i9", 1), two.onA.others);
        deliver(fromA, two.a, two.onA); // its own key groups: already counted locally
        assertEquals(Map.of("i9", 1), two.onA.others);

        two.a.stored(served(two.onA), userOf(0, 1), SummingModel.state("v1", "i2"), SummingModel.state("v1", "i3"));
        List<SharedCounts> change = two.a.drain(2L);
        deliver(change, two.b, two.onB);
        deliver(change, two.b, two.onB); // read twice (at-least-once, or a restored source)
        assertEquals(Map.of("i1", 1, "i2", 1, "i3", 1), two.onB.others);

        // a restore: subtask 0 recounts from its keyed state (one user's state expired meanwhile)
        // and publishes its key groups whole, replacing all that was published before
        two.a.recounting(served(two.onA));
        two.a.stored(served(two.onA), userOf(0, 1), null, SummingModel.state("v1", "i3"));
        deliver(two.a.drain(3L), two.b, two.onB);
        assertEquals(Map.of("i3", 1), two.onB.others);

        // another number of key groups (an earlier job's leftovers) is not taken
        assertFalse(two.b.received(new SharedCounts("bm3", "v1", 3, 256, true, Map.of("i7", 5), 4L), List.of(served(two.onB))));
        // nor a model this subtask does not serve
        assertFalse(two.b.received(new SharedCounts("other", "v1", 3, KEY_GROUPS, true, Map.of("i7", 5), 4L), List.of(served(two.onB))));
        assertEquals(Map.of("i3", 1), two.onB.others);
    }

    @Test
    void shouldKeepAVersionAnotherSubtaskServesFirstAndDropTheRestAtASwap() {
        SharedCountExchange a = subtask(0);
        SharedCountExchange b = subtask(1);
        SummingModel v1OnB = new SummingModel("v1");
        b.servedNow(served(v1OnB));
        SummingModel v2OnA = new SummingModel("v2");
        a.servedNow(served(v2OnA));
        a.stored(served(v2OnA), userOf(0, 0), SummingModel.state("v1", "i1"), SummingModel.state("v2", "i4,i5"));
        deliver(a.drain(1L), b, v1OnB);
        assertEquals(Map.of(), v1OnB.others, "v2's counts do not reach the v1 that serves here");

        SummingModel v2OnB = new SummingModel("v2");
        b.servedNow(served(v2OnB));
        assertEquals(Map.of("i4", 1, "i5", 1), v2OnB.others, "what was published for v2 counts at the swap");
    }

    @Test
    void shouldSplitALargeKeyGroupAndReplaceItWholeOnlyWithItsFirstMessage() {
        TwoSubtasks two = new TwoSubtasks();
        String items = IntStream.range(0, SharedCountExchange.MAX_COUNTS_PER_MESSAGE + 5)
                .mapToObj(i -> "i" + i).collect(Collectors.joining(","));
        String u = userOf(0, 0);
        two.a.stored(served(two.onA), u, null, SummingModel.state("v1", items));
        List<SharedCounts> out = two.a.drain(1L);
        List<SharedCounts> group = out.stream().filter(c -> c.keyGroup == two.a.keyGroupOf(u)).toList();
        assertEquals(2, group.size());
        assertTrue(group.get(0).full);
        assertFalse(group.get(1).full);
        deliver(out, two.b, two.onB);
        assertEquals(SharedCountExchange.MAX_COUNTS_PER_MESSAGE + 5, two.onB.others.size());
        assertTrue(new KeyGroupRange(0, KEY_GROUPS / 2 - 1).contains(two.a.keyGroupOf(u)));
    }
}
