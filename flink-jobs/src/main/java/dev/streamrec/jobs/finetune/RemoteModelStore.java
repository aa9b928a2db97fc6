package dev.streamrec.jobs.finetune;

import dev.streamrec.model.artifact.ModelArtifact;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A model store on any Flink filesystem (s3://, hdfs://, gs://, file://, ...): verified local
 * artifacts are uploaded to {@code <root>/<model>/<version>/}, the manifest last, and only then
 * announced. Object stores have no atomic directory rename, so readers are kept off half-written
 * versions by the order of events instead: a version's URI is published only after its upload
 * completed, and the serving side verifies the sha256 of what it fetched.
 */
public final class RemoteModelStore {

    private final Path root;

    public RemoteModelStore(String rootUri) {
        this.root = new Path(rootUri);
    }

    /** Uploads a verified artifact; returns the URI of its version directory. */
    public String upload(ModelArtifact artifact) throws IOException {
        Path target = new Path(new Path(root, artifact.model()), artifact.version());
        FileSystem fs = target.getFileSystem();
        if (fs.exists(target)) {
            throw new IOException("version " + artifact.version() + " already exists at " + target + ": not overwritten");
        }
        fs.mkdirs(target);
        List<java.nio.file.Path> files = new ArrayList<>();
        try (Stream<java.nio.file.Path> s = Files.walk(artifact.dir())) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        // the manifest names every other file's digest: written last, it marks a complete upload
        files.sort((a, b) -> Boolean.compare(isManifest(a), isManifest(b)));
        for (java.nio.file.Path f : files) {
            Path remote = new Path(target, artifact.dir().relativize(f).toString().replace('\\', '/'));
            try (InputStream in = Files.newInputStream(f);
                    FSDataOutputStream out = fs.create(remote, FileSystem.WriteMode.NO_OVERWRITE)) {
                in.transferTo(out);
            }
        }
        return target.toUri().toString();
    }

    private static boolean isManifest(java.nio.file.Path f) {
        return f.getFileName().toString().equals(ModelArtifact.MANIFEST);
    }
}
