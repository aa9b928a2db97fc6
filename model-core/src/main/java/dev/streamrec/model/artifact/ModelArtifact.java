package dev.streamrec.model.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.data.ItemIndex;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A trained model on disk, verified: a directory with {@code config.json} (model name, version,
 * format version, hyper-parameters), {@code items.txt} (the item-id index), the weight files, and
 * {@code MANIFEST.sha256} listing the sha256 of every other file. {@link #load} refuses an artifact
 * whose checksums do not match, that has unlisted or missing files, or whose format it does not
 * know. Written by {@link ArtifactWriter}.
 */
public final class ModelArtifact {

    public static final int FORMAT_VERSION = 1;
    public static final String CONFIG = "config.json";
    public static final String ITEMS = "items.txt";
    public static final String MANIFEST = "MANIFEST.sha256";

    static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final ObjectNode config;
    private final ItemIndex items;
    private final String manifestSha256;

    private ModelArtifact(Path dir, ObjectNode config, ItemIndex items, String manifestSha256) {
        this.dir = dir;
        this.config = config;
        this.items = items;
        this.manifestSha256 = manifestSha256;
    }

    /** Loads and verifies an artifact directory. */
    public static ModelArtifact load(Path dir) throws ArtifactException {
        Path manifestFile = dir.resolve(MANIFEST);
        Map<String, String> manifest = readManifest(dir, manifestFile);
        for (Map.Entry<String, String> e : manifest.entrySet()) {
            Path f = dir.resolve(e.getKey()).normalize();
            if (!f.startsWith(dir.normalize())) {
                throw new ArtifactException("artifact " + dir + ": manifest entry escapes the directory: " + e.getKey());
            }
            String actual;
            try {
                actual = sha256(f);
            } catch (NoSuchFileException nf) {
                throw new ArtifactException("artifact " + dir + ": file listed in the manifest is missing: " + e.getKey());
            } catch (IOException io) {
                throw new ArtifactException("artifact " + dir + ": cannot read " + e.getKey(), io);
            }
            if (!actual.equals(e.getValue())) {
                throw new ArtifactException(
                        "artifact " + dir + ": checksum mismatch for " + e.getKey()
                                + " (manifest " + e.getValue() + ", file " + actual + "): the artifact is corrupt");
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String rel = dir.relativize(f).toString().replace('\\', '/');
                if (!rel.equals(MANIFEST) && !manifest.containsKey(rel)) {
                    throw new ArtifactException("artifact " + dir + ": file not in the manifest: " + rel);
                }
            }
        } catch (ArtifactException ae) {
            throw ae;
        } catch (IOException io) {
            throw new ArtifactException("artifact " + dir + ": cannot list files", io);
        }
        if (!manifest.containsKey(CONFIG) || !manifest.containsKey(ITEMS)) {
            throw new ArtifactException("artifact " + dir + ": needs " + CONFIG + " and " + ITEMS);
        }
        ObjectNode config;
        try {
            config = (ObjectNode) JSON.readTree(dir.resolve(CONFIG).toFile());
        } catch (IOException | ClassCastException e) {
            throw new ArtifactException("artifact " + dir + ": config.json is not a JSON object", e);
        }
        int format = config.path("formatVersion").asInt(-1);
        if (format != FORMAT_VERSION) {
            throw new ArtifactException(
                    "artifact " + dir + ": format version " + format + " is not understood (this build reads "
                            + FORMAT_VERSION + ")");
        }
        if (!config.path("model").isTextual() || !config.path("version").isTextual()) {
            throw new ArtifactException("artifact " + dir + ": config.json needs string fields model and version");
        }
        try {
            return new ModelArtifact(dir, config, ItemIndex.read(dir.resolve(ITEMS)), sha256(manifestFile));
        } catch (IOException e) {
            throw new ArtifactException("artifact " + dir + ": cannot read " + ITEMS, e);
        }
    }

    private static Map<String, String> readManifest(Path dir, Path manifestFile) throws ArtifactException {
        Map<String, String> manifest = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(manifestFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                int sp = line.indexOf("  ");
                if (sp != 64) {
                    throw new ArtifactException("artifact " + dir + ": malformed manifest line: " + line);
                }
                manifest.put(line.substring(sp + 2), line.substring(0, sp));
            }
        } catch (NoSuchFileException e) {
            throw new ArtifactException("artifact " + dir + ": no " + MANIFEST + " (not an artifact, or incomplete)");
        } catch (ArtifactException e) {
            throw e;
        } catch (IOException e) {
            throw new ArtifactException("artifact " + dir + ": cannot read the manifest", e);
        }
        return manifest;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public Path dir() {
        return dir;
    }

    /** The model family name, e.g. {@code sasrec}, {@code kdsr-sasrec}, {@code missrec}, {@code bm3}. */
    public String model() {
        return config.get("model").asText();
    }

    public String version() {
        return config.get("version").asText();
    }

    /** The whole config (hyper-parameters under {@code hyperParameters}); do not modify. */
    public ObjectNode config() {
        return config;
    }

    public ItemIndex items() {
        return items;
    }

    /** The sha256 of the manifest, a digest of the whole artifact (what a model-update carries). */
    public String sha256() {
        return manifestSha256;
    }

    /** Opens one of the artifact's files (verified at load). */
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(dir.resolve(name));
    }

    public Path file(String name) {
        return dir.resolve(name);
    }
}
