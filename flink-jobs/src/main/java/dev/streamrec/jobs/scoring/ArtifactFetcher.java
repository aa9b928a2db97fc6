package dev.streamrec.jobs.scoring;

import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FSDataInputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves an artifact URI to a verified local {@link ModelArtifact}: local paths and {@code file:}
 * URIs are read in place; any other Flink filesystem (s3, hdfs, ...) is copied to a local temp
 * directory first. The manifest digest must match the expected sha256 when one is given.
 */
public final class ArtifactFetcher {

    private ArtifactFetcher() {}

    public static ModelArtifact fetch(String uri, String expectedSha256) throws IOException {
        Path local = localPath(uri).orElse(null);
        ModelArtifact a = ModelArtifact.load(local != null ? local : copyToLocal(new org.apache.flink.core.fs.Path(uri(uri))));
        if (expectedSha256 != null && !expectedSha256.isBlank() && !expectedSha256.equals(a.sha256())) {
            throw new ArtifactException("artifact " + uri + " has sha256 " + a.sha256() + ", the update announced "
                    + expectedSha256 + ": refusing it");
        }
        return a;
    }

    /** Where the artifact lies on this machine: a plain path or a {@code file:} URI; empty for a remote filesystem. */
    public static Optional<Path> localPath(String uri) {
        URI u = uri(uri);
        return "file".equals(u.getScheme()) ? Optional.of(Path.of(u)) : Optional.empty();
    }

    /** {@code uri} as a URI: a plain path becomes an absolute {@code file:} URI. */
    static URI uri(String uri) {
        return URI.create(uri.contains("://") || uri.startsWith("file:") ? uri : Path.of(uri).toUri().toString());
    }

    private static Path copyToLocal(org.apache.flink.core.fs.Path remote) throws IOException {
        Path dir = Files.createTempDirectory("streamrec-artifact-");
        copy(remote.getFileSystem(), remote, dir);
        return dir;
    }

    private static void copy(FileSystem fs, org.apache.flink.core.fs.Path from, Path to) throws IOException {
        for (FileStatus s : fs.listStatus(from)) {
            Path target = to.resolve(s.getPath().getName());
            if (s.isDir()) {
                Files.createDirectories(target);
                copy(fs, s.getPath(), target);
            } else {
                try (FSDataInputStream in = fs.open(s.getPath()); OutputStream out = Files.newOutputStream(target)) {
                    in.transferTo(out);
                }
            }
        }
    }
}
