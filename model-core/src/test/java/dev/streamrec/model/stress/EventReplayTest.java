package dev.streamrec.model.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamrec.model.data.Interaction;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The replay keeps each user's last items, loops over the log, and never goes back in time. */
class EventReplayTest {

    private static final List<Interaction> LOG = List.of(
            new Interaction("u", "a", 1000, 1), new Interaction("v", "x", 2000, 1),
            new Interaction("u", "b", 3000, 1), new Interaction("u", "c", 4000, 1));

    @Test
    void shouldKeepTheLastItemsOfEachUserWithTheEventLast() {
        List<EventReplay.Event> events = new EventReplay(LOG, 2).next(4);
        assertEquals(List.of("a"), events.get(0).history());
        assertEquals(List.of(), events.get(0).historyBefore());
        assertEquals(List.of("x"), events.get(1).history());
        assertEquals(List.of("a", "b"), events.get(2).history());
        assertEquals(List.of("b", "c"), events.get(3).history());
        assertEquals(List.of("b"), events.get(3).historyBefore());
        assertEquals("c", events.get(3).itemId());
    }

    @Test
    void shouldLoopOverTheLogWithHistoriesAndTimeGoingOn() {
        EventReplay replay = new EventReplay(LOG, 3);
        List<EventReplay.Event> events = replay.next(9);
        assertEquals(2, replay.passes());
        assertEquals(List.of("b", "c", "a"), events.get(4).history(), "the second pass continues the histories");
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).timestampMillis() > events.get(i - 1).timestampMillis(), "time at " + i);
        }
        assertEquals(1000 + 4000, events.get(4).timestampMillis(), "shifted by the span plus a second");
    }
}
