package dev.streamrec.model.artifact;

import dev.streamrec.model.data.ItemIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelArtifactTest {

    private static ModelArtifact write(Path dir) throws Exception {
        return new ArtifactWriter(dir)
                .config(ArtifactWriter.newConfig("sasrec", "v1"))
                .items(ItemIndex.of(List.of("x", "y")))
                .file("weights/block.params", out -> out.write(new byte[] {1, 2, 3}))
                .commit();
    }

    @Test
    void shouldRoundTrip(@TempDir Path tmp) throws Exception {
        ModelArtifact a = write(tmp.resolve("m"));
        ModelArtifact b = ModelArtifact.load(tmp.resolve("m"));
        assertEquals("sasrec", b.model());
        assertEquals("v1", b.version());
        assertEquals(2, b.items().size());
        assertEquals(a.sha256(), b.sha256());
        try (var in = b.open("weights/block.params")) {
            assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
        }
    }

    @Test
    void shouldRefuseCorruptOrForeignArtifacts(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("m");
        write(dir);
        Files.write(dir.resolve("weights/block.params"), new byte[] {1, 2, 4});
        ArtifactException e = assertThrows(ArtifactException.class, () -> ModelArtifact.load(dir));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());

        Path dir2 = tmp.resolve("m2");
        write(dir2);
        Files.writeString(dir2.resolve("extra.bin"), "x");
        assertTrue(assertThrows(ArtifactException.class, () -> ModelArtifact.load(dir2)).getMessage().contains("not in the manifest"));

        Path dir3 = tmp.resolve("m3");
        var cfg = ArtifactWriter.newConfig("sasrec", "v1");
        cfg.put("formatVersion", 99);
        ArtifactException f = assertThrows(ArtifactException.class,
                () -> new ArtifactWriter(dir3).config(cfg).items(ItemIndex.of(List.of("x"))).commit());
        assertTrue(f.getMessage().contains("not understood"), f.getMessage());
        assertTrue(assertThrows(ArtifactException.class, () -> ModelArtifact.load(tmp.resolve("none"))).getMessage().contains("MANIFEST"));
    }
}
