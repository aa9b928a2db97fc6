package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.state.UserStateTtl;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.SumsUserStates;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The per-user state of the models that keep one (MISSRec's interest working set, BM3's observed
 * edges), in the scoring operator's keyed state (RocksDB, expiring with the user): read into a
 * batch's requests before it is scored, written back after it, and, for a model whose shared state
 * sums its users' states (BM3's item degrees), told to the model as it is written and recounted
 * from every stored state after a restore, so that shared state follows the users however the job
 * is rescaled; dropped, with what it counted withdrawn, when the user is deleted.
 */
final class UserModelStates {

    private static final Logger LOG = LoggerFactory.getLogger(UserModelStates.class);

    private final MapStateDescriptor<String, byte[]> descriptor;
    /** Keyed by user: model name -> that model's state for the user. */
    private final MapState<String, byte[]> states;
    private final Consumer<String> selectUser;
    private final Counter modelErrors;
    /** Where counted states also go with several subtasks (null: this subtask serves every user). */
    private SharedCountExchange exchange;

    /**
     * @param selectUser makes a user the operator's current key (what the keyed state reads and writes)
     * @param modelErrors counts states a model could not count
     */
    UserModelStates(KeyedStateStore store, Duration ttl, Consumer<String> selectUser, Counter modelErrors) {
        this.descriptor = new MapStateDescriptor<>("user-model-state", Types.STRING,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        descriptor.enableTimeToLive(UserStateTtl.of(ttl));
        this.states = store.getMapState(descriptor);
        this.selectUser = selectUser;
        this.modelErrors = modelErrors;
    }

    /** With several subtasks: every counted state also goes to {@code exchange}, per the user's key group. */
    void sharingCountsThrough(SharedCountExchange exchange) {
        this.exchange = exchange;
    }

    /** The requests with each user's stored state for this model. */
    List<RecommendRequest> attach(ServedModel model, List<RecommendRequest> requests) throws Exception {
        List<RecommendRequest> out = new ArrayList<>(requests.size());
        for (RecommendRequest r : requests) {
            selectUser.accept(r.userId());
            out.add(r.withUserState(states.get(model.name())));
        }
        return out;
    }

    /**
     * Writes back each user's new state: the one answered to its last event of the batch (every
     * request of a user carried the state stored before the batch). A model that sums its users'
     * states learns of each change.
     */
    void store(ServedModel model, List<RecommendRequest> requests, List<Answer> answers) throws Exception {
        Map<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            if (answers.get(i).userState() != null) {
                last.put(requests.get(i).userId(), i);
            }
        }
        SumsUserStates sums = model.sharedCounts().orElse(null);
        for (int i : last.values()) {
            RecommendRequest r = requests.get(i);
            byte[] state = answers.get(i).userState();
            if (state == r.userState()) {
                continue; // unchanged (a model that failed answers with the state it was given)
            }
            selectUser.accept(r.userId());
            states.put(model.name(), state);
            if (sums != null) {
                try {
                    sums.userStateStored(r.userState(), state);
                    if (exchange != null) {
                        exchange.stored(model, r.userId(), r.userState(), state);
                    }
                } catch (RuntimeException e) {
                    modelErrors.inc();
                    LOG.warn("model {} could not count user {}'s new state: {}", model.name(), r.userId(), e.toString());
                }
            }
        }
    }

    /**
     * Drops every state stored for the user (the user is deleted) and withdraws what a model that
     * sums its users' states counted of it ({@link UserStateWithdrawal}); {@code dropped} says what.
     * Call it between batches, like {@link #store}.
     */
    void drop(String userId, List<ServedModel> served, UserDeletionConfirmation dropped) throws Exception {
        selectUser.accept(userId);
        Map<String, byte[]> stored = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : states.entries()) {
            stored.put(e.getKey(), e.getValue());
        }
        UserStateWithdrawal.withdraw(userId, stored, served, exchange, dropped);
        states.clear();
    }

    /**
     * Hands the model every user state this subtask stores for it: whatever the subtask held before
     * the restore, its users' states are now these. A state the model cannot read is left out with
     * a warning (the user's next answer starts over), never a failed start.
     */
    void recount(ServedModel model, KeyedStateBackend<?> backend) throws Exception {
        SumsUserStates sums = model.sharedCounts().orElseThrow();
        long start = System.nanoTime();
        long[] counted = {0, 0}; // users, unreadable states
        if (exchange != null) {
            exchange.recounting(model);
        }
        backend.applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor, (user, state) -> {
            byte[] stored = state.get(model.name());
            if (stored == null) {
                return;
            }
            try {
                sums.userStateStored(null, stored);
                if (exchange != null) {
                    exchange.stored(model, user.toString(), null, stored);
                }
                counted[0]++;
            } catch (RuntimeException e) {
                if (counted[1]++ == 0) {
                    LOG.warn("model {} cannot read user {}'s stored state: {}", model.name(), user, e.toString());
                }
            }
        });
        LOG.info("model {}: shared state recounted from {} users' stored states in {} ms", model.name(), counted[0],
                (System.nanoTime() - start) / 1_000_000);
        if (counted[1] > 0) {
            LOG.warn("model {}: {} stored user states could not be read and were left out", model.name(), counted[1]);
        }
    }
}
