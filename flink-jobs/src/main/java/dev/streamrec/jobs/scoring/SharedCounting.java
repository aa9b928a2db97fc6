package dev.streamrec.jobs.scoring;

import dev.streamrec.schema.event.SharedCounts;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The scoring operator's optional part that shares counts between its subtasks
 * ({@link SharedCountExchange}): switched on only where a model needs it, that is with several
 * subtasks, per-user state kept, and a served model whose shared state sums its users' states
 * (BM3's item degrees); switched off, every method does nothing. When on, it counts every user
 * state that {@link UserModelStates} writes or recounts ({@link #countStatesWrittenBy}); publishes
 * what this subtask's users changed, every {@code publishEvery} (zero: never on a timer) and
 * whenever the operator asks (before every checkpoint barrier); takes what the other subtasks
 * publish; and lets a model that starts serving count the other subtasks' users.
 */
final class SharedCounting {

    /** With several subtasks and models that sum user states: the exchange; else null (switched off). */
    private final SharedCountExchange exchange;
    private final Duration publishEvery;

    private SharedCounting(SharedCountExchange exchange, Duration publishEvery) {
        this.exchange = exchange;
        this.publishEvery = publishEvery;
    }

    /**
     * Switched on when the served models need it (see the class comment), else off.
     *
     * @param keyGroups the job's number of key groups (its max parallelism)
     * @param publishEvery how often to publish besides before every checkpoint barrier (zero: only then)
     */
    static SharedCounting forModels(Collection<ServedModel> served, boolean keepUserState, int subtask,
            int parallelism, int keyGroups, Duration publishEvery) {
        boolean needed = keepUserState && parallelism > 1 && served.stream().anyMatch(m -> m.sharedCounts().isPresent());
        if (!needed) {
            return new SharedCounting(null, publishEvery);
        }
        return new SharedCounting(new SharedCountExchange(keyGroups,
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(keyGroups, parallelism, subtask)), publishEvery);
    }

    /** When on: every user state {@code userStates} stores or recounts is counted for the other subtasks too. */
    void countStatesWrittenBy(UserModelStates userStates) {
        if (exchange != null) {
            userStates.sharingCountsThrough(exchange);
        }
    }

    /** Whether the exchange is switched on. */
    boolean on() {
        return exchange != null;
    }

    /** A model instance starts serving here (at the start, after a swap): it counts the others' users too. */
    void servedNow(ServedModel model) {
        if (exchange != null && model.sharedCounts().isPresent()) {
            exchange.servedNow(model);
        }
    }

    /** Counts another subtask published, added to the served model of that name and version. */
    void received(SharedCounts counts, List<ServedModel> served) {
        if (exchange != null) {
            exchange.received(counts, served);
        }
    }

    /** Sends what this subtask's users changed in the models' shared counts to the other subtasks. */
    void publish(Consumer<SharedCounts> out) {
        if (exchange == null) {
            return;
        }
        for (SharedCounts c : exchange.drain(System.currentTimeMillis())) {
            out.accept(c);
        }
    }

    /** Publishes every {@code publishEvery} from now on (nothing when switched off or zero). */
    void publishPeriodically(MicroBatcher.Timer timer, Consumer<SharedCounts> out) {
        if (exchange == null || publishEvery.isZero()) {
            return;
        }
        timer.schedule(publishEvery.toMillis(), () -> {
            publish(out);
            publishPeriodically(timer, out);
        });
    }
}
