package dev.streamrec.jobs.scoring;

import dev.streamrec.schema.event.ModelUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Hot swap for one scoring subtask: which version of each model the job wants served (the newest
 * update or rollback, or what a checkpoint wanted), loading a wanted version on a background thread
 * (fetched, sha256-verified, loaded: serving never waits for it) and swapping it in when the
 * operator has no batch in flight ({@link ConfinedModels} refuses a swap at any other time). A version that cannot be loaded is rejected with a log line and
 * the old one keeps serving; the job then goes on wanting what it serves, unless something newer
 * was asked for meanwhile. Rollback names a version deployed before.
 */
final class ModelUpdates implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdates.class);

    private final RecommenderFactory factory;
    /** The served models: every use of them here is on the task thread between batches. */
    private final ConfinedModels models;
    private final long loadDelayMs;
    /** Per model, the version the job wants served (checkpointed). */
    private final Map<String, ModelDescriptor> desired = new LinkedHashMap<>();
    private final Map<ModelDescriptor, CompletableFuture<ServedModel>> loading = new LinkedHashMap<>();
    private final ExecutorService loader;

    /**
     * Serves what a checkpoint wanted: every version in {@code checkpointed} is known for rollback,
     * and the wanted version of each model (its last descriptor there) is loaded at once, in place
     * of the artifact the job was started with. A wanted version that cannot be loaded any more
     * leaves the started one serving.
     *
     * @param checkpointed {@link #checkpoint()} of the restored checkpoint; empty on a fresh start
     * @param loadDelayMs chaos testing: how long the loader waits before each load
     */
    ModelUpdates(RecommenderFactory factory, ConfinedModels models, List<ModelDescriptor> checkpointed,
            int subtask, long loadDelayMs, long now) {
        this.factory = factory;
        this.models = models;
        this.loadDelayMs = loadDelayMs;
        Map<String, ModelDescriptor> started = new HashMap<>();
        serving().currentDescriptors().forEach(d -> started.put(d.model, d));
        for (ModelDescriptor d : checkpointed) {
            serving().record(d, now); // known for rollback by name; what serves is settled below
            desired.put(d.model, d); // the last one of a model wins
        }
        for (ModelDescriptor d : new ArrayList<>(desired.values())) {
            serveRestored(d, started.get(d.model), now);
        }
        this.loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "model-loader-" + subtask);
            t.setDaemon(true);
            return t;
        });
    }

    private void serveRestored(ModelDescriptor wanted, ModelDescriptor started, long now) {
        if (serving().get(wanted.model) == null) {
            return;
        }
        if (wanted.equals(started)) {
            serving().record(started, now);
            return;
        }
        try {
            serving().swap(factory.load(wanted), wanted, now);
        } catch (Exception e) {
            LOG.error("Could not restore model {}: {}; serving {} instead", wanted, e.toString(), started);
            serving().record(started, now);
            want(wanted.model, started);
        }
    }

    /** The served models, on the task thread between batches ({@link ConfinedModels#betweenBatches}). */
    private ServingModels serving() {
        return models.betweenBatches();
    }

    /** Takes an update or rollback: starts loading the version it names, unless it serves already. */
    void request(ModelUpdate u) {
        if (serving().get(u.model) == null) {
            LOG.warn("Ignoring update for model '{}': not served by this job (served: {})", u.model, serving().names());
            return;
        }
        ModelDescriptor d;
        if ("rollback".equals(u.action)) {
            d = serving().deployed(u.model, u.version);
            if (d == null) {
                LOG.error("Rejected rollback of {} to version {}: that version was never deployed here", u.model, u.version);
                return;
            }
        } else {
            d = new ModelDescriptor(u.model, u.version, u.uri, u.sha256);
        }
        desired.put(d.model, d); // a rollback to the serving version cancels a newer load
        if (d.equals(serving().current(d.model)) || loading.containsKey(d)) {
            return;
        }
        ModelDescriptor target = d;
        long delay = loadDelayMs;
        loading.put(d, CompletableFuture.supplyAsync(() -> {
            try {
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                return factory.load(target);
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, loader));
    }

    /** Whether a version is being loaded. */
    boolean loading() {
        return !loading.isEmpty();
    }

    /**
     * Swaps in every model whose load finished and is still wanted, after {@code prepare} (e.g. the
     * item features received so far), or rejects a failed one. Only on the task thread while no batch
     * is scored: {@link ConfinedModels} throws otherwise.
     */
    void applyFinished(Preparation prepare) throws Exception {
        var it = loading.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isDone()) {
                continue;
            }
            it.remove();
            ModelDescriptor d = e.getKey();
            ServedModel next;
            try {
                next = e.getValue().join();
            } catch (RuntimeException failed) {
                Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
                LOG.error("Rejected model update {}: {}. Still serving {}", d, cause.getMessage(), serving().current(d.model));
                if (d.equals(desired.get(d.model))) {
                    want(d.model, serving().current(d.model)); // nothing newer was asked for meanwhile: what serves
                }
                continue;
            }
            if (!d.equals(desired.get(d.model))) {
                next.close(); // superseded by a later update while loading
                continue;
            }
            prepare.prepare(next, serving().deployed(d.model, d.version) != null);
            serving().swap(next, d, System.currentTimeMillis());
            LOG.info("Now serving {}", d);
        }
    }

    /** What the operator does to a loaded version before it serves. */
    @FunctionalInterface
    interface Preparation {
        /**
         * @param servedBefore whether this version served here before (a rollback): a fresh instance
         *     of it knows nothing of what the stream taught the one that served then
         */
        void prepare(ServedModel next, boolean servedBefore) throws Exception;
    }

    /** The job goes on wanting {@code version} of a model (nothing in particular when null). */
    private void want(String model, ModelDescriptor version) {
        if (version != null) {
            desired.put(model, version);
        } else {
            desired.remove(model);
        }
    }

    /** What a checkpoint keeps: every deployed version, each model's wanted one last. */
    List<ModelDescriptor> checkpoint() {
        List<ModelDescriptor> out = new ArrayList<>();
        for (ModelDescriptor d : serving().history()) {
            if (!d.equals(desired.get(d.model))) {
                out.add(d);
            }
        }
        out.addAll(desired.values());
        return out;
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }
}
