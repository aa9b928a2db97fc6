package dev.streamrec.model.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LeaveOneOutSplitTest {

    /** u0: a b c d e f (6 items), u1: g h i j (4), u2: k l (2). */
    private static SequenceDataset data() {
        List<Interaction> log = new ArrayList<>();
        String[][] users = {{"a", "b", "c", "d", "e", "f"}, {"g", "h", "i", "j"}, {"k", "l"}};
        long t = 0;
        for (int u = 0; u < users.length; u++) {
            for (String item : users[u]) {
                log.add(new Interaction("u" + u, item, t++, 1.0));
            }
        }
        return SequenceDataset.of(log);
    }

    @Test
    void shouldTakeTheLastTargetsBeforeTheTestItemEachWithItsOwnHistory() {
        SequenceDataset ds = data();
        int[] s0 = ds.sequence(0);
        int[] s1 = ds.sequence(1);
        LeaveOneOutSplit split = new LeaveOneOutSplit(ds, 3);
        // u0: train a b; validation c|ab, d|abc, e|abcd; test f|abcde
        assertArrayEquals(new int[] {s0[0], s0[1]}, split.train().get(0));
        // u1 has 4 items: min(3, 4 - 2) = 2 targets, one training item left
        assertArrayEquals(new int[] {s1[0]}, split.train().get(1));
        assertArrayEquals(ds.sequence(2), split.train().get(2));
        assertEquals(5, split.validation().size());
        int[][] histories = {{s0[0], s0[1]}, {s0[0], s0[1], s0[2]}, {s0[0], s0[1], s0[2], s0[3]}, {s1[0]}, {s1[0], s1[1]}};
        int[] targets = {s0[2], s0[3], s0[4], s1[1], s1[2]};
        int[] users = {0, 0, 0, 1, 1};
        for (int c = 0; c < 5; c++) {
            assertArrayEquals(histories[c], split.validation().get(c).history(), "case " + c);
            assertEquals(targets[c], split.validation().get(c).target(), "case " + c);
            assertEquals(users[c], split.validation().get(c).user(), "case " + c);
        }
    }

    @Test
    void shouldKeepTheTestCasesWhateverTheValidationTargets() {
        SequenceDataset ds = data();
        LeaveOneOutSplit classic = new LeaveOneOutSplit(ds);
        assertEquals(1, classic.validationTargets());
        assertEquals(2, classic.validation().size());
        for (int v : new int[] {1, 2, 5, 50}) {
            LeaveOneOutSplit split = new LeaveOneOutSplit(ds, v);
            assertEquals(classic.test().size(), split.test().size());
            for (int c = 0; c < classic.test().size(); c++) {
                assertEquals(classic.test().get(c).target(), split.test().get(c).target());
                assertArrayEquals(classic.test().get(c).history(), split.test().get(c).history());
            }
        }
        LeaveOneOutSplit one = new LeaveOneOutSplit(ds, 1);
        assertArrayEquals(classic.train().get(0), one.train().get(0));
        assertThrows(IllegalArgumentException.class, () -> new LeaveOneOutSplit(ds, 0));
    }
}
