package dev.streamrec.jobs.scoring;

/**
 * One recommender's incremental state as one scoring subtask checkpointed it, with the subtask's
 * index and the job's parallelism then, so that a rescaled job can share it out
 * ({@link RestoredModelStates}). POJO, kept in union list state.
 */
public class SubtaskModelState {
    public String model;
    public byte[] state;
    public int subtask;
    public int parallelism;

    public SubtaskModelState() {}

    public SubtaskModelState(String model, byte[] state, int subtask, int parallelism) {
        this.model = model;
        this.state = state;
        this.subtask = subtask;
        this.parallelism = parallelism;
    }
}
