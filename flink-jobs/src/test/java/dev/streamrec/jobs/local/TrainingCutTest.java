package dev.streamrec.jobs.local;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.TimeCut;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local mode's training cut: on by default for a replay, where it lies, and what its artifacts are cached under. */
class TrainingCutTest {

    /** Ten events one second apart, from t = 1,000 s. */
    private static final List<Interaction> EVENTS = events(10);

    private static List<Interaction> events(int n) {
        List<Interaction> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Interaction("u" + i % 3, "i" + i, 1_000_000L + 1000L * i, 1.0));
        }
        return out;
    }

    private static TimeCut cut(List<Interaction> events, boolean replaying, String... argv) {
        return LocalMode.trainingCut(LocalMode.options(System.out).parse(List.of(argv)), events, replaying);
    }

    @Test
    void shouldCutAReplayAtEightyPercentByDefault() {
        TimeCut cut = cut(EVENTS, true);
        assertEquals(1_008_000L, cut.untilMillis());
        ReplayCut stated = ReplayCut.of(cut, EVENTS);
        assertEquals(8, stated.eventsBefore());
        assertEquals(0.8, stated.fractionBefore(), 1e-12);
        assertTrue(stated.describe().contains("80.0% of the replayed events (8 of 10) before it"), stated.describe());
    }

    @Test
    void shouldTakeTheFractionOfTheReplayedEventsOnly() {
        // --max-events 5: the cut is 80% into the five replayed, not into the whole dataset
        assertEquals(1_004_000L, cut(EVENTS.subList(0, 5), true).untilMillis());
        assertEquals(1_005_000L, cut(EVENTS, true, "--train-fraction", "0.5").untilMillis());
        assertEquals(1_002_500L, cut(EVENTS, true, "--train-until", "1002500").untilMillis());
    }

    @Test
    void shouldTurnTheCutOffWithAFractionOfOneAndWhenServing() {
        assertNull(cut(EVENTS, true, "--train-fraction", "1"));
        assertNull(cut(null, false));
        assertEquals(1_005_000L, cut(EVENTS, false, "--train-fraction", "0.5").untilMillis());
    }

    @Test
    void shouldCacheArtifactsPerCutAndDataset(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.csv"), "u,i,1\n");
        Path b = Files.writeString(dir.resolve("b.csv"), "u,i,1\n");
        String everything = ArtifactBootstrap.cacheName("sasrec", null, null);
        String cut = ArtifactBootstrap.cacheName("sasrec", new TimeCut(1_008_000L), null);
        assertEquals("sasrec-local", everything);
        assertEquals("sasrec-local-until-1008000", cut);
        assertNotEquals(cut, ArtifactBootstrap.cacheName("sasrec", new TimeCut(1_009_000L), null));
        String onA = ArtifactBootstrap.cacheName("sasrec", new TimeCut(1_008_000L), a);
        assertTrue(onA.startsWith("sasrec-local-data-") && onA.endsWith("-until-1008000"), onA);
        assertNotEquals(onA, ArtifactBootstrap.cacheName("sasrec", new TimeCut(1_008_000L), b));
        assertEquals(onA, ArtifactBootstrap.cacheName("sasrec", new TimeCut(1_008_000L), a));
    }
}
