package dev.streamrec.jobs.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README shows local mode's options as the command prints them, so the two cannot drift apart. */
class LocalModeUsageTest {

    @Test
    void shouldShowTheCommandsOwnUsageInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertTrue(readme.contains("```\n" + LocalMode.USAGE + "\n```\n"),
                "README.md's local mode section must repeat LocalMode.USAGE verbatim");
    }
}
