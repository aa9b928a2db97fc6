package dev.streamrec.jobs.scoring;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which checkpointed model states one scoring subtask restores, and what share of each
 * ({@link dev.streamrec.model.serving.Snapshotting#restoreState}). Every subtask sees every former
 * subtask's states (union list state). At the parallelism they were taken at, a subtask takes its
 * own, whole: a restart changes nothing. After a rescale to M subtasks each takes 1/M of every
 * one, so that what the models had learned (counts of the users each served) is spread evenly and
 * kept once in all: a scale-down to one merges everything, a new subtask of a scale-up starts with
 * its part instead of nothing. States of the earlier split list state are taken whole as they come.
 */
final class RestoredModelStates {

    /** A state to restore and the share of it to take. */
    record Share(byte[] state, double share) {}

    private final int subtask;
    private final int parallelism;
    private final Map<String, List<Share>> byModel = new HashMap<>();

    /** For subtask {@code subtask} of a job now running with {@code parallelism} subtasks. */
    RestoredModelStates(int subtask, int parallelism) {
        this.subtask = subtask;
        this.parallelism = parallelism;
    }

    void add(SubtaskModelState s) {
        if (s.parallelism != parallelism) {
            put(s.model, new Share(s.state, 1.0 / parallelism));
        } else if (s.subtask == subtask) {
            put(s.model, new Share(s.state, 1.0));
        }
    }

    /** A state of the split list state of earlier releases, handed to this subtask by Flink. */
    void addSplit(ModelStateBlob b) {
        put(b.model, new Share(b.state, 1.0));
    }

    /** What this subtask restores for a model, in the order checkpointed. */
    List<Share> of(String model) {
        return byModel.getOrDefault(model, List.of());
    }

    private void put(String model, Share share) {
        byModel.computeIfAbsent(model, m -> new ArrayList<>()).add(share);
    }
}
