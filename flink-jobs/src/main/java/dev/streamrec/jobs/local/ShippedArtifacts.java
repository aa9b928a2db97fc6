package dev.streamrec.jobs.local;

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
     * Copies the shipped artifact {@code name} into {@code dir} (created; written through a
     * temporary sibling, so a stopped copy never leaves a partial artifact behind) and returns the
     * command that trained it; empty when none is shipped under that name.
     */
    static Optional<String> copy(String name, Path dir) throws IOException {
        List<String> files = lines(name, "FILES");
        if (files == null) {
            return Optional.empty();
        }
        Path partial = dir.resolveSibling(dir.getFileName() + ".partial");
        deleteTree(partial);
        for (String file : files) {
            Path target = partial.resolve(file).normalize();
            if (!target.startsWith(partial)) {
                throw new IOException("shipped artifact " + name + " lists a file outside it: " + file);
            }
            Files.createDirectories(target.getParent());
            try (InputStream in = resource(name, file)) {
                if (in == null) {
                    throw new IOException("shipped artifact " + name + " lists " + file + " but does not hold it");
                }
                Files.copy(in, target);
            }
        }
        Files.createDirectories(dir.getParent());
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
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

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
