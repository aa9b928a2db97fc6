package dev.streamrec.jobs.soak;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyWindowTest {

    @Test
    void shouldTakeTheNearestRankP99() {
        long[] values = new long[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = values.length - i; // 200 .. 1
        }
        assertEquals(198, LatencyWindow.p99(values, 200)); // rank ceil(0.99 * 200) = 198
        assertEquals(7, LatencyWindow.p99(new long[] {7}, 1));
        assertEquals(100, LatencyWindow.p99(new long[] {1, 100, 2, 3}, 4));
        assertTrue(Double.isNaN(LatencyWindow.p99(new long[0], 0)));
    }

    @Test
    void shouldCountEventsByOneModelAndStartEachIntervalEmpty() {
        LatencyWindow w = new LatencyWindow("popularity");
        for (int i = 1; i <= 100; i++) {
            w.add("popularity", (long) i);
            w.add("sasrec", 1000L + i);
        }
        w.add("cooccurrence", null);
        LatencyWindow.Window first = w.take(10);
        assertEquals(100, first.events());
        assertEquals(10.0, first.eventsPerSecond(), 1e-9);
        assertEquals(1098, first.p99Ms(), 1e-9); // 200 values, rank 198: the sasrec ones are the top 100
        LatencyWindow.Window second = w.take(10);
        assertEquals(0, second.events());
        assertTrue(Double.isNaN(second.p99Ms()));
    }
}
