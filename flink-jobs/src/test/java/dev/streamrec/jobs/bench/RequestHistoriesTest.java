package dev.streamrec.jobs.bench;

import dev.streamrec.model.data.Interaction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sequences a paired model-only run scores are those the measured events' requests carry. */
class RequestHistoriesTest {

    @Test
    void shouldGiveEachMeasuredEventItsUsersNewestItems() {
        List<Interaction> events = List.of(
                new Interaction("a", "i1", 1, 1), new Interaction("b", "i2", 2, 1), new Interaction("a", "i3", 3, 1),
                new Interaction("a", "i4", 4, 1), new Interaction("b", "i5", 5, 1), new Interaction("a", "i6", 6, 1));
        // from the third event on, at most two items per history
        assertEquals(List.of(List.of("i1", "i3"), List.of("i3", "i4"), List.of("i2", "i5"), List.of("i4", "i6")),
                ModelBenchmark.requestHistories(events, 2, 2, 100));
    }

    @Test
    void shouldSpreadALimitedSampleOverTheWholeMeasuredStretch() {
        List<Interaction> events = new ArrayList<>();
        for (int e = 0; e < 1000; e++) {
            events.add(new Interaction("u" + e, "i" + e, e, 1));
        }
        List<List<String>> sample = ModelBenchmark.requestHistories(events, 100, 50, 10);
        assertEquals(10, sample.size());
        assertEquals(List.of("i100"), sample.get(0));
        assertEquals(List.of("i910"), sample.get(9));
    }
}
