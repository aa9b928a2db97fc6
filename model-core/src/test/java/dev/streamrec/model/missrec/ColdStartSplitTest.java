package dev.streamrec.model.missrec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.data.SequenceDataset;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class ColdStartSplitTest {

    @Test
    void shouldNeverTrainOnHeldOutItemsAndTestOnlyOnThem() {
        Random r = new Random(4);
        List<Interaction> events = new ArrayList<>();
        for (int u = 0; u < 200; u++) {
            for (int t = 0; t < 20; t++) {
                events.add(new Interaction("u" + u, "i" + r.nextInt(100), t * 1000L, 1.0));
            }
        }
        SequenceDataset data = SequenceDataset.of(events);
        ColdStartSplit split = new ColdStartSplit(data, 0.1, 7L);
        assertFalse(split.heldOut().isEmpty());
        for (int[] s : split.train()) {
            for (int item : s) {
                assertFalse(split.heldOut().contains(item), "held-out item in training");
            }
        }
        assertFalse(split.test().isEmpty());
        for (LeaveOneOutSplit.Case c : split.test()) {
            assertTrue(split.heldOut().contains(c.target()));
            assertTrue(c.history().length >= 2);
            for (int item : c.history()) {
                assertFalse(split.heldOut().contains(item));
            }
        }
        for (LeaveOneOutSplit.Case c : split.validation()) {
            assertFalse(split.heldOut().contains(c.target()));
        }
        assertEquals(split.heldOut(), new ColdStartSplit(data, 0.1, 7L).heldOut());
    }
}
