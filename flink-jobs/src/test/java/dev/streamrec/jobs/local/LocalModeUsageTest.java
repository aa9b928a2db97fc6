package dev.streamrec.jobs.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/local-mode.md shows local mode's options as the command prints them, so the two cannot drift apart. */
class LocalModeUsageTest {

    @Test
    void shouldShowTheCommandsOwnUsageInTheLocalModePage() throws IOException {
        String page = Files.readString(Path.of("..", "docs", "local-mode.md"));
        String usage = LocalMode.options(System.out).usage();
        assertTrue(page.contains("```\n" + usage + "```\n"),
                "docs/local-mode.md must repeat local --help verbatim:\n" + usage);
    }
}
