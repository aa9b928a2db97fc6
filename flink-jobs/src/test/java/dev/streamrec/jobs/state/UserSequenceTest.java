package dev.streamrec.jobs.state;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserSequenceTest {

    @Test
    void shouldPlaceOutOfOrderEventsInTimeOrderAndBoundTheLength() {
        UserSequence s = new UserSequence();
        assertTrue(s.insert(new SequenceEntry("a", 10, "e1"), 3).inOrder());
        assertTrue(s.insert(new SequenceEntry("c", 30, "e3"), 3).inOrder());
        assertEquals(new UserSequence.Insertion(1, null, false), s.insert(new SequenceEntry("b", 20, "e2"), 3));
        assertEquals(List.of("a", "b", "c"), s.itemIds());
        assertEquals(new UserSequence.Insertion(2, "a", true), s.insert(new SequenceEntry("d", 40, "e4"), 3));
        assertEquals(List.of("b", "c", "d"), s.itemIds());
        // a late event older than everything kept is placed first, then trimmed away
        assertEquals(new UserSequence.Insertion(-1, null, false), s.insert(new SequenceEntry("z", 1, "e0"), 3));
        assertEquals(List.of("b", "c", "d"), s.itemIds());
        // same timestamp: ordered by event id
        assertEquals(new UserSequence.Insertion(1, "b", false), s.insert(new SequenceEntry("y", 40, "e3b"), 3));
        assertEquals(List.of("c", "y", "d"), s.itemIds());
        assertEquals(40, s.newestTimestamp());
    }
}
