package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.SumsUserStates;
import dev.streamrec.schema.event.UserDeletionConfirmation;

import java.util.Collection;
import java.util.Map;

/**
 * What deleting a user takes out of the served models, given the per-user states the user had
 * stored (model name to state): every one of them is listed as dropped, and a served model whose
 * shared state sums its users' states (BM3's item degrees) withdraws the user's part, as if the
 * state went from stored to none, which with several subtasks the others learn through the
 * exchange. The counts withdrawn per model are the absolute changes ({@link
 * SumsUserStates#countsChanged}: BM3's edges to trained items of the served version). A state of a
 * model no longer served is dropped without withdrawing anything (it counts nowhere). Plain Java,
 * tested alone; the caller clears the keyed state.
 */
final class UserStateWithdrawal {

    private UserStateWithdrawal() {}

    /**
     * @param exchange where withdrawn counts also go with several subtasks (null: this subtask serves every user)
     * @param dropped where the models dropped and the counts withdrawn are written
     */
    static void withdraw(String userId, Map<String, byte[]> stored, Collection<ServedModel> served,
            SharedCountExchange exchange, UserDeletionConfirmation dropped) {
        for (Map.Entry<String, byte[]> e : stored.entrySet()) {
            dropped.modelStates.add(e.getKey());
            for (ServedModel model : served) {
                if (!model.name().equals(e.getKey()) || model.sharedCounts().isEmpty()) {
                    continue;
                }
                SumsUserStates sums = model.sharedCounts().get();
                int withdrawn = 0;
                for (int n : sums.countsChanged(e.getValue(), null).values()) {
                    withdrawn += Math.abs(n);
                }
                sums.userStateStored(e.getValue(), null);
                if (exchange != null) {
                    exchange.stored(model, userId, e.getValue(), null);
                }
                dropped.countsWithdrawn.merge(model.name(), withdrawn, Integer::sum);
            }
        }
    }
}
