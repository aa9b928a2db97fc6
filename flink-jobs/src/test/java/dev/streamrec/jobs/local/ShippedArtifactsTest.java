package dev.streamrec.jobs.local;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.data.TimeCut;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The artifact shipped for the default local run: it is found under the name the default run asks
 * for (the bundled MovieLens, cut at 80%), unpacks into a loadable artifact trained before exactly
 * that cut, and says how it was trained; nothing is shipped for any other cut.
 */
class ShippedArtifactsTest {

    private static TimeCut defaultCut() throws Exception {
        return LocalMode.trainingCut(LocalMode.options(System.out).parse(List.of()), ReplayEvents.load(null), true);
    }

    @Test
    void shouldShipTheDefaultRunsSasrecTrainedBeforeItsCut(@TempDir Path dir) throws Exception {
        TimeCut cut = defaultCut();
        String name = ArtifactBootstrap.cacheName("sasrec", cut, null);
        assertTrue(ShippedArtifacts.has(name), "no shipped artifact named " + name
                + ": the default cut moved, retrain it with the command in docs/local-mode.md");

        Path target = dir.resolve("artifacts").resolve(name);
        String how = ShippedArtifacts.copy(name, target).orElseThrow();

        ModelArtifact artifact = ModelArtifact.load(target); // checks every file against its manifest
        assertEquals("sasrec", artifact.model());
        assertEquals(cut.untilMillis(), artifact.config().path("training").path("trainUntil").asLong());
        assertTrue(how.contains("--train-until " + cut.untilMillis()), how);
        try (var beside = Files.list(target.getParent())) {
            assertEquals(List.of(target), beside.toList(), "nothing left beside the artifact (no staging copy)");
        }
    }

    @Test
    void shouldShipNothingForAnotherCutOrModel(@TempDir Path dir) throws Exception {
        String otherCut = ArtifactBootstrap.cacheName("sasrec", new TimeCut(defaultCut().untilMillis() + 1), null);
        String otherModel = ArtifactBootstrap.cacheName("gru4rec", defaultCut(), null);
        assertFalse(ShippedArtifacts.has(otherCut));
        assertFalse(ShippedArtifacts.has(otherModel));
        assertEquals(Optional.empty(), ShippedArtifacts.copy(otherCut, dir.resolve(otherCut)));
        assertFalse(Files.exists(dir.resolve(otherCut)));
    }
}
