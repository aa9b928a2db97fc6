package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.AcceptsItemFeatures;
import dev.streamrec.model.serving.LearnsOnline;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.Snapshotting;
import dev.streamrec.model.serving.SumsUserStates;
import dev.streamrec.model.serving.UserStateful;

import java.util.Optional;

/**
 * A model as a scoring subtask serves it: under its served name, which predictions, metrics, keyed
 * and operator state carry (usually the model's own name; a {@code name=model} entry serves a model
 * under another, e.g. {@code sasrec-ft=sasrec}, the fine-tuned line next to the frozen one), and
 * with the capabilities the model has beyond the {@link Recommender} contract. This is the one place
 * serving asks a model what it can do; the rest of serving reads the answers here.
 *
 * @param name the served name
 * @param model the model, which keeps its own {@link Recommender#name()}
 */
public record ServedModel(String name, Recommender model) implements AutoCloseable {

    /** The served version (the model's). */
    public String version() {
        return model.version();
    }

    /** The model's per-user state, when it keeps one. */
    public Optional<UserStateful> userState() {
        return model instanceof UserStateful s ? Optional.of(s) : Optional.empty();
    }

    /** The model's shared state summed over its users' states, when it has one (BM3's item degrees). */
    public Optional<SumsUserStates> sharedCounts() {
        return model instanceof SumsUserStates s ? Optional.of(s) : Optional.empty();
    }

    /** The model's learning from the stream's events, when it learns online (the baselines). */
    public Optional<LearnsOnline> learner() {
        return model instanceof LearnsOnline l ? Optional.of(l) : Optional.empty();
    }

    /** The model's intake of new items' features, when it takes them. */
    public Optional<AcceptsItemFeatures> itemFeatures() {
        return model instanceof AcceptsItemFeatures f ? Optional.of(f) : Optional.empty();
    }

    /** The model's incremental state for checkpoints, when it has one. */
    public Optional<Snapshotting> snapshots() {
        return model instanceof Snapshotting s ? Optional.of(s) : Optional.empty();
    }

    /** Releases the model's native memory. */
    @Override
    public void close() {
        model.close();
    }
}
