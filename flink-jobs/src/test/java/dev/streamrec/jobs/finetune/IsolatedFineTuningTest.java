package dev.streamrec.jobs.finetune;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.InteractionReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IsolatedFineTuningTest {

    @Test
    void shouldHandTheWindowToTheChildUnchanged(@TempDir Path dir) throws Exception {
        List<Interaction> window = List.of(
                new Interaction("u1", "plain", 1_000, 4.5),
                new Interaction("u,2", "with \"quotes\", commas", 2_000, 1.0));
        Path csv = dir.resolve("w.csv");
        IsolatedFineTuning.writeWindow(csv, window);
        assertEquals(window, InteractionReader.read(csv));
    }
}
