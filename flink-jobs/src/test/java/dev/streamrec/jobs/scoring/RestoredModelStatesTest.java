package dev.streamrec.jobs.scoring;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A restart restores each subtask's own model state; a rescale an even share of every one. */
class RestoredModelStatesTest {

    private static final byte[] A = {1};
    private static final byte[] B = {2};

    private static List<Double> shares(RestoredModelStates r, String model) {
        return r.of(model).stream().map(RestoredModelStates.Share::share).toList();
    }

    @Test
    void shouldTakeItsOwnStateWholeAfterARestart() {
        RestoredModelStates r = new RestoredModelStates(1, 2);
        r.add(new SubtaskModelState("popularity", A, 0, 2));
        r.add(new SubtaskModelState("popularity", B, 1, 2));
        assertEquals(1, r.of("popularity").size());
        assertEquals(B, r.of("popularity").get(0).state());
        assertEquals(List.of(1.0), shares(r, "popularity"));
        assertEquals(List.of(), r.of("cooccurrence"));
    }

    @Test
    void shouldTakeAnEvenShareOfEveryStateAfterARescale() {
        for (int subtask = 0; subtask < 3; subtask++) {
            RestoredModelStates up = new RestoredModelStates(subtask, 3);
            up.add(new SubtaskModelState("popularity", A, 0, 2));
            up.add(new SubtaskModelState("popularity", B, 1, 2));
            assertEquals(List.of(1.0 / 3, 1.0 / 3), shares(up, "popularity"));
        }
        RestoredModelStates down = new RestoredModelStates(0, 1);
        down.add(new SubtaskModelState("popularity", A, 0, 2));
        down.add(new SubtaskModelState("popularity", B, 1, 2));
        assertEquals(List.of(1.0, 1.0), shares(down, "popularity"));
        // the earlier split state: whatever Flink hands this subtask, whole
        down.addSplit(new ModelStateBlob("cooccurrence", A));
        assertEquals(List.of(1.0), shares(down, "cooccurrence"));
    }
}
