package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.streamrec.model.backbone.Gru4RecStepper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Gru4RecUserStateTest {

    private static final float[] HIDDEN = {0.5f, -1.25f, 3f, 0f};

    @Test
    void decodesWhatItEncodedForTheSameModelOnly() {
        byte[] bytes = new Gru4RecUserState("sha", 7, HIDDEN).encode();
        Gru4RecUserState back = Gru4RecUserState.decode(bytes, "sha", 4);
        assertEquals(7, back.lastItem());
        assertArrayEquals(HIDDEN, back.hidden());
        assertNull(Gru4RecUserState.decode(bytes, "other", 4), "another model's state");
        assertNull(Gru4RecUserState.decode(bytes, "sha", 6), "another state size");
        assertNull(Gru4RecUserState.decode(Arrays.copyOf(bytes, bytes.length - 1), "sha", 4), "truncated");
        assertNull(Gru4RecUserState.decode(new byte[] {9, 0, 0}, "sha", 4), "another format");
        assertNull(Gru4RecUserState.decode(null, "sha", 4));
    }

    @Test
    void foldsTheEventOnlyIntoTheStateThatEndsBeforeIt() {
        Gru4RecUserState state = new Gru4RecUserState("sha", 7, HIDDEN);
        Gru4RecStepper.Row next = state.rowFor(new int[] {3, 7, 9}, true);
        assertArrayEquals(new int[] {9}, next.pending());
        assertArrayEquals(HIDDEN, next.state());
        assertArrayEquals(new int[0], state.rowFor(new int[] {3, 7}, false).pending(), "an unknown newest item adds nothing");
        assertNull(state.rowFor(new int[] {7, 3, 9}, true), "the state missed item 3");
        assertNull(state.rowFor(new int[] {7, 9}, false));
        assertArrayEquals(new int[] {9}, state.rowFor(new int[] {9}, true).pending(), "nothing before the event to check");
        assertNull(new Gru4RecUserState("sha", 0, HIDDEN).rowFor(new int[] {3, 9}, true), "a state of no items");
        assertArrayEquals(new int[] {3, 9}, Gru4RecUserState.fresh(new int[] {3, 9}).pending());
    }
}
