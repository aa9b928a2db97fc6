package dev.streamrec.jobs.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalSegmentsTest {

    private static final int[] CUTOFFS = {10, 20};
    private static final long WINDOW = 100;

    @Test
    void shouldEndASegmentAtTheCutInsideAWindow() {
        EvalSegments held = new EvalSegments(CUTOFFS, WINDOW, 50);
        held.add(new EvalRecord("m", "v1", 10, 1, "e1"));
        held.add(new EvalRecord("m", "v1", 49, 0, "e2"));
        held.add(new EvalRecord("m", "v1", 50, 3, "e3")); // at the cut: after it
        held.add(new EvalRecord("m", "v1", 70, 2, "e4"));
        held.add(new EvalRecord("m", "v1", 40, 1, "e5")); // late, before the cut: a segment of its own
        held.add(new EvalRecord("m", "v1", 120, 1, "e6")); // next window
        assertEquals(6, held.tests());
        List<EvalSegment> out = held.drain();
        assertEquals(List.of(2L, 2L, 1L, 1L), out.stream().map(s -> s.totals.count).toList());
        assertEquals(List.of(false, true, false, true), out.stream().map(s -> s.afterCut).toList());
        assertEquals(List.of(0L, 0L, 0L, 100L), out.stream().map(s -> s.windowStart).toList());
        assertEquals(50, out.get(1).totals.firstTimestamp);
        assertEquals(0, held.tests());
        assertTrue(held.drain().isEmpty(), "drained");
    }

    @Test
    void shouldKeepEveryTestBeforeWithoutACut() {
        EvalSegments held = new EvalSegments(CUTOFFS, WINDOW, EvalSegments.NO_CUT);
        held.add(new EvalRecord("m", "v1", 10, 1, "e1"));
        held.add(new EvalRecord("m", "v1", Long.MAX_VALUE - 1, 1, "e2"));
        held.add(new EvalRecord("n", "v1", 20, 1, "e3"));
        List<EvalSegment> out = held.drain();
        assertEquals(3, out.size());
        assertFalse(out.stream().anyMatch(s -> s.afterCut));
        assertEquals(List.of("m", "m", "n"), out.stream().map(s -> s.model).toList());
    }
}
