package dev.streamrec.jobs.scoring;

/** One recommender's incremental state in operator state: the model name and its bytes. POJO. */
public class ModelStateBlob {
    public String model;
    public byte[] state;

    public ModelStateBlob() {}

    public ModelStateBlob(String model, byte[] state) {
        this.model = model;
        this.state = state;
    }
}
