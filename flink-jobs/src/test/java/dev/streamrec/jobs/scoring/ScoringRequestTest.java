package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.state.CompactStrings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScoringRequestTest {

    private static ScoringRequest request(List<String> history, int insertedAt, String evicted) {
        ScoringRequest r = new ScoringRequest();
        r.historyBytes = CompactStrings.encodeList(history);
        r.insertedAt = insertedAt;
        r.evicted = evicted;
        return r;
    }

    @Test
    void shouldRebuildTheHistoryBeforeTheEventWithoutCopying() {
        assertEquals(List.of("a", "b"), request(List.of("a", "b", "c"), 2, null).historyBefore());
        assertEquals(List.of("a", "c"), request(List.of("a", "b", "c"), 1, null).historyBefore());
        assertEquals(List.of("z", "a", "b"), request(List.of("a", "b", "c"), 2, "z").historyBefore());
        assertEquals(List.of("z", "b", "c"), request(List.of("a", "b", "c"), 0, "z").historyBefore());
        assertEquals(List.of(), request(List.of("a"), 0, null).historyBefore());
        // trimmed away at once: the sequence did not change
        assertEquals(List.of("a", "b"), request(List.of("a", "b"), -1, null).historyBefore());
        List<String> before = request(List.of("a", "b", "c"), 1, "z").historyBefore();
        assertEquals(List.of("z", "a", "c"), new ArrayList<>(before));
        assertThrows(IndexOutOfBoundsException.class, () -> before.get(3));
        assertThrows(UnsupportedOperationException.class, () -> before.add("x"));
    }
}
