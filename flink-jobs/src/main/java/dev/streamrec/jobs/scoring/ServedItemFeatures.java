package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.AcceptsItemFeatures;
import dev.streamrec.schema.event.ItemFeatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The item features a scoring subtask received on the {@code item-features} topic and every served
 * model that takes them ({@link AcceptsItemFeatures}) accepted: kept (and checkpointed) so that a model loaded later, by a hot swap or a restart,
 * knows the same new items as the one it replaces. The newest features of an item win.
 */
final class ServedItemFeatures {

    private static final Logger LOG = LoggerFactory.getLogger(ServedItemFeatures.class);

    private final Map<String, ItemFeatures> items = new LinkedHashMap<>();

    /** Takes back the features of a checkpoint. */
    void restore(Iterable<ItemFeatures> checkpointed) {
        for (ItemFeatures f : checkpointed) {
            items.put(f.itemId, f);
        }
    }

    /**
     * Gives an item's features to every model that takes them; kept only when all accept them.
     *
     * @return each refusal as "model: reason" (empty when all accepted)
     */
    List<String> upsert(ItemFeatures f, List<ServedModel> models) {
        List<String> refusals = new ArrayList<>();
        for (ServedModel r : models) {
            AcceptsItemFeatures m = r.itemFeatures().orElse(null);
            if (m == null) {
                continue;
            }
            try {
                m.upsertItem(f.itemId, f.text, f.modalities);
            } catch (RuntimeException e) {
                refusals.add(r.name() + ": " + e.getMessage());
            }
        }
        if (refusals.isEmpty()) {
            items.put(f.itemId, f);
        }
        return refusals;
    }

    /** Gives a (new) model every kept item's features; features it refuses are skipped with a warning. */
    void replayTo(ServedModel r) {
        AcceptsItemFeatures m = r.itemFeatures().orElse(null);
        if (m == null) {
            return;
        }
        for (ItemFeatures f : items.values()) {
            try {
                m.upsertItem(f.itemId, f.text, f.modalities);
            } catch (RuntimeException e) {
                LOG.warn("model {} refuses stored features of item {}: {}", r.name(), f.itemId, e.getMessage());
            }
        }
    }

    /** The kept features, for a checkpoint. */
    List<ItemFeatures> all() {
        return new ArrayList<>(items.values());
    }
}
