package dev.streamrec.jobs.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local mode refuses what its job could not load before starting anything (the CLI prints it, exit 2). */
class LocalModeChecksTest {

    private static IllegalArgumentException refused(String... argv) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LocalMode local = new LocalMode(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> local.run(List.of(argv)));
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing started");
        return e;
    }

    @Test
    void shouldRefuseADirectoryThatIsNoArtifact(@TempDir Path empty) {
        String message = refused("--models", "popularity,sasrec", "--artifact", empty.toString()).getMessage();
        assertTrue(message.contains("no MANIFEST.sha256"), message);
    }

    @Test
    void shouldRefuseADeviceThisMachineLacks() {
        String message = refused("--models", "popularity", "-Dmodels.device=cuda:64").getMessage();
        assertTrue(message.contains("cuda:64 asked for, but the PyTorch engine sees"), message);
        message = refused("--models", "popularity", "-Dmodels.device=cuda").getMessage();
        assertTrue(message.contains("use cpu or cuda:N"), message);
    }
}
