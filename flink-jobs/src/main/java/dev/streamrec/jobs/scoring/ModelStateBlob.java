package dev.streamrec.jobs.scoring;

/**
 * One recommender's incremental state as earlier releases kept it, in split list state (read on
 * restore; {@link SubtaskModelState} replaced it): the model name and its bytes. POJO.
 */
public class ModelStateBlob {
    public String model;
    public byte[] state;

    public ModelStateBlob() {}

    public ModelStateBlob(String model, byte[] state) {
        this.model = model;
        this.state = state;
    }
}
