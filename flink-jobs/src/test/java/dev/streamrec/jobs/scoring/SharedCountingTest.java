package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.testutil.SummingModel;
import dev.streamrec.model.baseline.DecayedPopularity;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.schema.event.SharedCounts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared-count exchange is switched on only where a served model sums its users' states, with
 * several subtasks and per-user state kept; off, it publishes and takes nothing.
 */
class SharedCountingTest {

    private static final int KEY_GROUPS = 8;

    /** A model as the scoring operator serves it, under its own name. */
    private static ServedModel served(Recommender model) {
        return new ServedModel(model.name(), model);
    }

    private static List<SharedCounts> published(SharedCounting counting) {
        List<SharedCounts> out = new ArrayList<>();
        counting.publish(out::add);
        return out;
    }

    @Test
    void shouldStayOffUnlessAServedModelSumsItsUsersStatesAcrossSeveralSubtasks() {
        ServedModel popularity = served(new DecayedPopularity(60_000));
        SummingModel summing = new SummingModel("v1");
        ServedModel bm3 = served(summing);
        List<SharedCounting> off = List.of(
                SharedCounting.forModels(List.of(popularity), true, 0, 2, KEY_GROUPS, Duration.ZERO),
                SharedCounting.forModels(List.of(popularity, bm3), true, 0, 1, KEY_GROUPS, Duration.ZERO),
                SharedCounting.forModels(List.of(popularity, bm3), false, 0, 2, KEY_GROUPS, Duration.ZERO));
        for (SharedCounting counting : off) {
            assertFalse(counting.on());
            counting.servedNow(bm3);
            counting.received(new SharedCounts("bm3", "v1", 7, KEY_GROUPS, true, Map.of("i1", 3), 0L), List.of(bm3));
            assertEquals(List.of(), published(counting));
            List<Long> timers = new ArrayList<>();
            counting.publishPeriodically((delay, step) -> timers.add(delay), c -> {});
            assertEquals(List.of(), timers);
        }
        assertEquals(List.of(), summing.reports, "nothing taken while off");
    }

    @Test
    void shouldPublishItsKeyGroupsAndTakeTheOthersWhenOn() throws Exception {
        SummingModel summing = new SummingModel("v1");
        ServedModel bm3 = served(summing);
        SharedCounting counting = SharedCounting.forModels(List.of(served(new DecayedPopularity(60_000)), bm3), true, 0, 2,
                KEY_GROUPS, Duration.ofSeconds(5));
        assertTrue(counting.on());
        counting.servedNow(bm3);
        List<SharedCounts> first = published(counting);
        assertEquals(List.of(0, 1, 2, 3), first.stream().map(c -> c.keyGroup).toList(), "subtask 0's key groups, whole");
        assertTrue(first.stream().allMatch(c -> c.full));

        counting.received(new SharedCounts("bm3", "v1", 6, KEY_GROUPS, true, Map.of("i1", 3), 0L), List.of(bm3));
        assertEquals(List.of(Map.of("i1", 3)), summing.reports, "another subtask's users counted here");

        List<Long> delays = new ArrayList<>();
        List<MicroBatcher.Step> steps = new ArrayList<>();
        counting.publishPeriodically((delay, step) -> {
            delays.add(delay);
            steps.add(step);
        }, c -> {});
        steps.get(0).run();
        assertEquals(List.of(5000L, 5000L), delays, "published every 5 s");
    }
}
