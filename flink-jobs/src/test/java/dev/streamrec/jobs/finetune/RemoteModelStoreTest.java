package dev.streamrec.jobs.finetune;

import dev.streamrec.jobs.scoring.ArtifactFetcher;
import dev.streamrec.model.artifact.ArtifactWriter;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.data.ItemIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Accepted versions go to a store on a Flink filesystem URI and are served from there, verified. */
class RemoteModelStoreTest {

    @Test
    void shouldUploadAVersionThatTheServingSideFetchesAndVerifies(@TempDir Path tmp) throws Exception {
        ModelArtifact local = new ArtifactWriter(tmp.resolve("staging"))
                .config(ArtifactWriter.newConfig("sasrec", "v7"))
                .items(ItemIndex.of(List.of("a", "b")))
                .file("weights.params", o -> o.write(new byte[] {1, 2, 3, 4}))
                .commit();
        RemoteModelStore store = new RemoteModelStore(tmp.resolve("remote").toUri().toString());

        String uri = store.upload(local);

        assertTrue(uri.endsWith("/sasrec/v7"), uri);
        ModelArtifact served = ArtifactFetcher.fetch(uri, local.sha256());
        assertEquals("v7", served.version());
        assertArrayEquals(Files.readAllBytes(local.dir().resolve("weights.params")),
                Files.readAllBytes(served.dir().resolve("weights.params")));
        assertThrows(IOException.class, () -> store.upload(local), "a published version is never overwritten");
    }
}
