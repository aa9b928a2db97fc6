package dev.streamrec.model.bm3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamrec.model.data.Interaction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class UserItemSplitTest {

    private static List<Interaction> users(int... sizes) {
        List<Interaction> out = new ArrayList<>();
        for (int u = 0; u < sizes.length; u++) {
            for (int i = 0; i < sizes[u]; i++) {
                out.add(new Interaction("u" + u, "i" + i, i * 1000L, 1));
            }
        }
        return out;
    }

    @Test
    void shouldSplitEightOneOneAndOneOneForShortUsers() {
        UserItemSplit s = UserItemSplit.of(users(20, 5, 2), UserItemSplit.Mode.RANDOM, 1);
        assertEquals(16, s.train()[0].length);
        assertEquals(2, s.valid()[0].length);
        assertEquals(2, s.test()[0].length);
        assertEquals(3, s.train()[1].length);
        assertEquals(1, s.valid()[1].length);
        assertEquals(1, s.test()[1].length);
        assertEquals(2, s.train()[2].length);
        assertEquals(0, s.test()[2].length);
    }

    @Test
    void shouldBeDeterministicForASeedAndChronologicalOnRequest() {
        UserItemSplit a = UserItemSplit.of(users(20), UserItemSplit.Mode.RANDOM, 3);
        UserItemSplit b = UserItemSplit.of(users(20), UserItemSplit.Mode.RANDOM, 3);
        assertArrayEquals(a.test()[0], b.test()[0]);
        UserItemSplit c = UserItemSplit.of(users(20), UserItemSplit.Mode.CHRONOLOGICAL, 3);
        assertArrayEquals(new int[] {19, 20}, c.test()[0]);
        assertArrayEquals(new int[] {17, 18}, c.valid()[0]);
    }
}
