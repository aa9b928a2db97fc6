package dev.streamrec.schema.event;

/**
 * A model version announcement (schema {@code model-update} v1): a descriptor, never the weights.
 * {@code action} is {@code deploy} (serve this version) or {@code rollback} (serve this earlier one).
 */
public class ModelUpdate {
    public String model;
    public String version;
    public String uri;
    public String sha256;
    public String action;
    public long timestamp;

    public ModelUpdate() {}

    public ModelUpdate(String model, String version, String uri, String sha256, String action, long timestamp) {
        this.model = model;
        this.version = version;
        this.uri = uri;
        this.sha256 = sha256;
        this.action = action;
        this.timestamp = timestamp;
    }
}
