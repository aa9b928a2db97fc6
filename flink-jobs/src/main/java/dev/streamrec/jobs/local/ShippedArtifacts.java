package dev.streamrec.jobs.local;

import dev.streamrec.model.artifact.ArtifactWriter;
import dev.streamrec.model.artifact.ModelArtifact;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Artifacts shipped inside the jar, so that the default local run serves a model trained to
 * convergence instead of training a small one for minutes before its first prediction. Each lies
 * on the class path under {@code shipped-artifacts/NAME/}, where NAME is
 * {@link ArtifactBootstrap#cacheName} of the model, dataset and cut it was trained for (so it is
 * only taken where a cached artifact of that name would be), beside two text files: {@code FILES}
 * lists the artifact's files (a jar's resources cannot be listed), and {@code REPRODUCE} holds the
 * command that trained it. {@link #copy} unpacks one into the cache.
 */
final class ShippedArtifacts {

    static final String ROOT = "shipped-artifacts/";

    private ShippedArtifacts() {
    }

    /** Whether an artifact named {@code name} is shipped. */
    static boolean has(String name) {
        return resource(name, "FILES") != null;
    }

    /**
     * Copies the shipped artifact {@code name} into {@code dir} through {@link ArtifactWriter} (staged
     * beside it and moved into place, so a stopped copy never leaves a partial artifact behind),
     * verifies the copy against the manifest shipped with it (which it keeps), and returns the
     * command that trained it; empty when none is shipped under that name.
     */
    static Optional<String> copy(String name, Path dir) throws IOException {
        List<String> files = lines(name, "FILES");
        if (files == null) {
            return Optional.empty();
        }
        ArtifactWriter writer = new ArtifactWriter(dir);
        for (String file : files) {
            if (file.equals(ModelArtifact.MANIFEST)) {
                continue; // the writer computes one; the shipped one is checked below
            }
            try (InputStream in = resource(name, file)) {
                if (in == null) {
                    writer.abort();
                    throw new IOException("shipped artifact " + name + " lists " + file + " but does not hold it");
                }
                writer.file(file, in::transferTo);
            }
        }
        writer.commit();
        try (InputStream manifest = resource(name, ModelArtifact.MANIFEST)) {
            if (manifest != null) { // the shipped manifest replaces the one computed from the copy, which must match it
                Files.copy(manifest, dir.resolve(ModelArtifact.MANIFEST), StandardCopyOption.REPLACE_EXISTING);
                ModelArtifact.load(dir);
            }
        }
        List<String> how = lines(name, "REPRODUCE");
        return Optional.of(how == null ? "(not recorded)" : String.join(" ", how).trim());
    }

    private static InputStream resource(String name, String file) {
        return ShippedArtifacts.class.getClassLoader().getResourceAsStream(ROOT + name + "/" + file);
    }

    private static List<String> lines(String name, String file) throws IOException {
        try (InputStream in = resource(name, file)) {
            if (in == null) {
                return null;
            }
            List<String> out = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        out.add(line.strip());
                    }
                }
            }
            return out;
        }
    }
}
