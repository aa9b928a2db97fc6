package dev.streamrec.model.serving;

/**
 * A recommender with incremental state beyond its artifact, which the stream keeps in its
 * checkpoints and hands back to a freshly loaded model on a restore (the baselines' counts; BM3
 * restores what older releases checkpointed).
 */
public interface Snapshotting extends Recommender {

    /** The incremental state to checkpoint (null when there is nothing to keep now). */
    byte[] snapshotState();

    /**
     * Adds {@code share} of what {@link #snapshotState} returned to a freshly loaded model: called
     * once per snapshot the subtask restores. After a plain restart that is its own snapshot, whole
     * ({@code share} 1); after the job was rescaled to M subtasks it is every former subtask's
     * snapshot with {@code share} 1/M, so that each new subtask holds an even part of what all of
     * them learned and together they hold it once (a model of counts scales them).
     */
    void restoreState(byte[] state, double share);
}
