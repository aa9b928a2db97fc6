package dev.streamrec.jobs.scoring;

import java.util.Objects;

/**
 * Where a served model version lives: name, version, artifact URI and the sha256 of its manifest.
 * This (never the weights) is what model updates carry and what operator state keeps. POJO.
 */
public class ModelDescriptor {
    public String model;
    public String version;
    public String uri;
    public String sha256;

    public ModelDescriptor() {}

    public ModelDescriptor(String model, String version, String uri, String sha256) {
        this.model = model;
        this.version = version;
        this.uri = uri;
        this.sha256 = sha256;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelDescriptor d && Objects.equals(model, d.model) && Objects.equals(version, d.version)
                && Objects.equals(uri, d.uri) && Objects.equals(sha256, d.sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, version, uri, sha256);
    }

    @Override
    public String toString() {
        return model + "@" + version + " (" + uri + ", sha256 " + sha256 + ")";
    }
}
