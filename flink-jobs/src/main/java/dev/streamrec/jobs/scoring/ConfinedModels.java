package dev.streamrec.jobs.scoring;

import java.util.List;

/**
 * The served models of a scoring subtask, confined to the thread that owns them: the task thread,
 * except while a batch has borrowed them for the inference thread. Every change to the models (a
 * swap, item features, restored state, per-user and shared counts, a recount) goes through
 * {@link #betweenBatches()}, which fails on any other thread and while a batch holds the models; a
 * batch {@linkplain #lend() borrows} them before it is scored (the inference thread then scores
 * them and lets them learn, and nothing else may touch them) and the task thread takes them back
 * with {@link #returned()} once it has awaited the batch. A call out of turn throws
 * {@link IllegalStateException} instead of racing a forward pass.
 */
final class ConfinedModels implements AutoCloseable {

    private final ServingModels serving;
    private final Thread owner;
    /** Whether a batch holds the models (only the owner reads and writes this). */
    private boolean lent;

    /** Confines the models to the calling thread. */
    ConfinedModels(ServingModels serving) {
        this.serving = serving;
        this.owner = Thread.currentThread();
    }

    /** The served models, to read or change: on the owning thread, while no batch holds them. */
    ServingModels betweenBatches() {
        requireOwner("change the models");
        if (lent) {
            throw new IllegalStateException("the models are being scored: change them only between batches");
        }
        return serving;
    }

    /** Hands the models to a batch, for the inference thread; they stay lent until {@link #returned()}. */
    List<ServedModel> lend() {
        List<ServedModel> models = List.copyOf(betweenBatches().all());
        lent = true;
        return models;
    }

    /** The batch that borrowed the models was awaited: the owning thread has them back. */
    void returned() {
        requireOwner("take the models back");
        if (!lent) {
            throw new IllegalStateException("the models were not lent");
        }
        lent = false;
    }

    /**
     * The models for the metric gauges, which read a name's served version and its load time from
     * the metric reporter's thread and change nothing.
     */
    ServingModels forMetrics() {
        return serving;
    }

    /** Releases the models' native memory: the caller made sure no forward pass still runs. */
    @Override
    public void close() {
        serving.close();
    }

    private void requireOwner(String what) {
        Thread current = Thread.currentThread();
        if (current != owner) {
            throw new IllegalStateException("cannot " + what + " on thread " + current.getName()
                    + ": the models belong to " + owner.getName());
        }
    }
}
