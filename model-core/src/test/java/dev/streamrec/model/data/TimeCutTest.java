package dev.streamrec.model.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeCutTest {

    private static final List<Interaction> LOG = List.of(
            new Interaction("u1", "a", 1_000, 1),
            new Interaction("u2", "b", 2_000, 1),
            new Interaction("u1", "c", 2_000, 1),
            new Interaction("u3", "d", 3_000, 1),
            new Interaction("u2", "e", 4_000, 1));

    @Test
    void shouldKeepEventsStrictlyBeforeTheCutTime() {
        TimeCut cut = new TimeCut(2_000);
        assertEquals(List.of(LOG.get(0)), cut.before(LOG));
        assertEquals(LOG.subList(1, 5), cut.from(LOG));
    }

    @Test
    void shouldCutAFractionAtATimestampSoThatTiesStayOnOneSide() {
        // floor(0.4 * 5) = 2: the third event in replay order is (2000, u1, c); its whole second goes to the replay.
        List<Interaction> shuffled = List.of(LOG.get(4), LOG.get(2), LOG.get(0), LOG.get(3), LOG.get(1));
        TimeCut cut = TimeCut.atFraction(shuffled, 0.4);
        assertEquals(2_000, cut.untilMillis());
        assertEquals(1, cut.before(LOG).size());
        assertEquals(3_000, TimeCut.atFraction(LOG, 0.6).untilMillis());
        assertEquals(LOG, TimeCut.atFraction(LOG, 1.0).before(LOG));
        assertTrue(TimeCut.atFraction(LOG, 1.0).from(LOG).isEmpty());
    }

    @Test
    void shouldRejectFractionsOutsideTheUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> TimeCut.atFraction(LOG, 0));
        assertThrows(IllegalArgumentException.class, () -> TimeCut.atFraction(LOG, 1.5));
        assertThrows(IllegalArgumentException.class, () -> TimeCut.atFraction(List.of(), 0.5));
    }

    @Test
    void shouldCutTheBundledMovieLensNearTheRequestedFraction() throws Exception {
        List<Interaction> all = MovieLens.bundled().interactions();
        TimeCut half = TimeCut.atFraction(all, 0.5);
        int before = half.before(all).size();
        // MovieLens rates in bursts: at most one second's ratings separate the cut from n/2.
        assertTrue(before <= all.size() / 2 && before > all.size() / 2 - 1_000, "before the cut: " + before);
        assertTrue(half.before(all).stream().allMatch(i -> i.timestampMillis() < half.untilMillis()));
        assertEquals(all.size(), before + half.from(all).size());
    }
}
