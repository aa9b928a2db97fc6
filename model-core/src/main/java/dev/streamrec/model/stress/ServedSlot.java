package dev.streamrec.model.stress;

import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.SumsUserStates;
import dev.streamrec.model.serving.UserStateful;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One served model of a serving stress run, as the scoring operator holds it under its name: the
 * version serving now, a next version loading on the loader thread (the versions take turns), and
 * each user's stored state, which, like the operator's keyed state, outlives a swap (the new version
 * decides whether a state of another version is usable). A model whose shared state sums its users'
 * states learns of every stored change, and when a version that served before comes back it is
 * handed every stored state, as after a rollback. Everything but the load runs on the task thread
 * between batches.
 */
final class ServedSlot implements AutoCloseable {

    /** Loads one version of the model. */
    @FunctionalInterface
    interface Version {
        Recommender load() throws Exception;
    }

    /** A finished load: the model, and whether this version served here before. */
    record Loaded(Recommender model, boolean servedBefore) {}

    final String name;
    /** Items the model can recommend at least; below 0 when unknown ({@link AnswerCheck}). */
    final int catalogueSize;
    /** The ids of the items the versions were trained on; null when unknown (every item counts as known). */
    private final Set<String> catalogue;
    final ServingCounts counts = new ServingCounts();
    private final List<Version> versions;
    private final boolean[] servedBefore;
    private final Map<String, byte[]> states = new HashMap<>();
    private Recommender current;
    private int serving;
    private Future<Recommender> loading;
    private int loadingVersion;

    /**
     * @param first version 0, loaded
     * @param versions how to load each version (0 included); one version never swaps
     * @param catalogue the ids of the items the versions were trained on; null when unknown
     */
    ServedSlot(String name, Recommender first, List<Version> versions, Set<String> catalogue) {
        this.name = name;
        this.current = first;
        this.versions = List.copyOf(versions);
        this.servedBefore = new boolean[versions.size()];
        this.servedBefore[0] = true;
        this.catalogue = catalogue;
        this.catalogueSize = catalogue == null ? -1 : catalogue.size();
    }

    /** Whether the model knows an item from training (new items never enter a replayed history). */
    boolean knows(String itemId) {
        return catalogue == null || catalogue.contains(itemId);
    }

    Recommender model() {
        return current;
    }

    boolean stateful() {
        return current instanceof UserStateful;
    }

    /** Whether the model has another version to swap to. */
    boolean swappable() {
        return versions.size() > 1;
    }

    /** Starts loading the next version, unless there is none or one is loading. */
    void startLoad(ExecutorService loader) {
        if (!swappable() || loading != null) {
            return;
        }
        loadingVersion = (serving + 1) % versions.size();
        Version v = versions.get(loadingVersion);
        loading = loader.submit(v::load);
    }

    /** The finished load, once (null while none finished); a failed load is counted as an exception. */
    Loaded finishedLoad(PrintStream log) throws InterruptedException {
        if (loading == null || !loading.isDone()) {
            return null;
        }
        Future<Recommender> done = loading;
        loading = null;
        try {
            return new Loaded(done.get(), servedBefore[loadingVersion]);
        } catch (ExecutionException e) {
            counts.exceptions.incrementAndGet();
            log.println("stress-fault " + name + ": loading version " + loadingVersion + " failed: " + e.getCause());
            return null;
        }
    }

    /** Serves {@code next} (the finished load) and closes the version it replaces. */
    void swapIn(Recommender next) {
        Recommender old = current;
        current = next;
        serving = loadingVersion;
        servedBefore[serving] = true;
        counts.swaps.incrementAndGet();
        old.close();
    }

    /** The requests with each user's stored state. */
    List<RecommendRequest> attach(List<RecommendRequest> requests) {
        List<RecommendRequest> out = new ArrayList<>(requests.size());
        for (RecommendRequest r : requests) {
            out.add(r.withUserState(states.get(r.userId())));
        }
        return out;
    }

    /**
     * Stores each user's new state (the answer to the user's last event of the batch), telling a
     * model that sums its users' states of each change, as the operator does.
     */
    void store(List<RecommendRequest> requests, List<Answer> answers, PrintStream log) {
        Map<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            if (answers.get(i).userState() != null) {
                last.put(requests.get(i).userId(), i);
            }
        }
        SumsUserStates sums = current instanceof SumsUserStates s ? s : null;
        for (int i : last.values()) {
            RecommendRequest r = requests.get(i);
            byte[] state = answers.get(i).userState();
            if (state == r.userState()) {
                continue;
            }
            states.put(r.userId(), state);
            if (sums != null) {
                try {
                    sums.userStateStored(r.userState(), state);
                } catch (RuntimeException e) {
                    fault(log, "counting user " + r.userId() + "'s state", e);
                }
            }
        }
    }

    /** Hands a model that sums its users' states every stored state, as after a rollback. */
    void recountStates(Recommender model) {
        if (model instanceof SumsUserStates sums) {
            for (byte[] s : states.values()) {
                try {
                    sums.userStateStored(null, s);
                } catch (RuntimeException unreadable) {
                    // a state the model cannot read is left out (the operator logs it; the user starts over)
                }
            }
        }
    }

    /** Counts an exception and logs the first few. */
    void fault(PrintStream log, String what, Throwable e) {
        if (counts.exceptions.incrementAndGet() <= 5) {
            log.println("stress-fault " + name + ": " + what + ": " + e);
            e.printStackTrace(log);
        }
    }

    /** Closes the serving version and a finished load that never served (call after the loader stopped). */
    @Override
    public void close() {
        current.close();
        if (loading != null && loading.isDone() && !loading.isCancelled()) {
            try {
                loading.get().close();
            } catch (ExecutionException e) {
                // nothing was loaded
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
