package dev.streamrec.model.artifact;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.data.ItemIndex;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a {@link ModelArtifact} atomically: files go to a hidden staging directory beside the
 * target, the manifest is written last, then the directory is renamed into place. A reader never
 * sees a half-written artifact.
 */
public final class ArtifactWriter {

    /** Writes one file's bytes. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Path target;
    private final Path staging;
    private final List<String> files = new ArrayList<>();

    public ArtifactWriter(Path target) throws IOException {
        this.target = target.toAbsolutePath().normalize();
        Files.createDirectories(this.target.getParent());
        this.staging = Files.createTempDirectory(this.target.getParent(), "." + this.target.getFileName() + ".staging-");
    }

    /**
     * Starts a config with the fields every artifact has; add hyper-parameters under
     * {@code hyperParameters} and pass it to {@link #config}.
     */
    public static ObjectNode newConfig(String model, String version) {
        ObjectNode c = ModelArtifact.JSON.createObjectNode();
        c.put("formatVersion", ModelArtifact.FORMAT_VERSION);
        c.put("model", model);
        c.put("version", version);
        c.put("createdAt", Instant.now().toString());
        c.putObject("hyperParameters");
        return c;
    }

    public ArtifactWriter config(ObjectNode config) throws IOException {
        return file(ModelArtifact.CONFIG, out -> ModelArtifact.JSON.writerWithDefaultPrettyPrinter().writeValue(out, config));
    }

    public ArtifactWriter items(ItemIndex items) throws IOException {
        files.add(ModelArtifact.ITEMS);
        items.write(staging.resolve(ModelArtifact.ITEMS));
        return this;
    }

    /** Adds a file (a relative path, sub-directories allowed). */
    public ArtifactWriter file(String name, Content content) throws IOException {
        Path f = staging.resolve(name).normalize();
        if (!f.startsWith(staging) || name.equals(ModelArtifact.MANIFEST)) {
            throw new IllegalArgumentException("bad artifact file name: " + name);
        }
        Files.createDirectories(f.getParent());
        try (OutputStream out = Files.newOutputStream(f)) {
            content.writeTo(out);
        }
        files.add(name);
        return this;
    }

    /** Writes the manifest and moves the artifact into place; returns the verified artifact. */
    public ModelArtifact commit() throws IOException {
        try (BufferedWriter w =
                Files.newBufferedWriter(staging.resolve(ModelArtifact.MANIFEST), StandardCharsets.UTF_8)) {
            for (String name : files) {
                w.write(ModelArtifact.sha256(staging.resolve(name)));
                w.write("  ");
                w.write(name);
                w.write('\n');
            }
        }
        if (Files.exists(target)) {
            deleteRecursively(target);
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target);
        }
        return ModelArtifact.load(target);
    }

    /** Drops the staging directory (when training failed). */
    public void abort() throws IOException {
        deleteRecursively(staging);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
