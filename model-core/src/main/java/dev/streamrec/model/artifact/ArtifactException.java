package dev.streamrec.model.artifact;

import java.io.IOException;

/** A model artifact that cannot be used: a checksum mismatch, a missing file or an unknown config. */
public class ArtifactException extends IOException {
    public ArtifactException(String message) {
        super(message);
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
