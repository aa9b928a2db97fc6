package dev.streamrec.jobs.scoring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models one scoring subtask serves ({@link ServedModel}: each under its served name), in champion-first order, with the artifact
 * descriptor of each trained one and every version deployed so far (for rollback by name). A swap
 * replaces one model between batches and closes the old one; the order never changes.
 */
public final class ServingModels implements AutoCloseable {

    private final List<ServedModel> models = new ArrayList<>();
    private final Map<String, ModelDescriptor> current = new LinkedHashMap<>();
    private final Map<String, ModelDescriptor> history = new LinkedHashMap<>();
    private final Map<String, Long> loadedAt = new LinkedHashMap<>();

    public ServingModels(List<ServedModel> initial, long now) {
        models.addAll(initial);
        initial.forEach(m -> loadedAt.put(m.name(), now));
    }

    public List<ServedModel> all() {
        return Collections.unmodifiableList(models);
    }

    /** The model served under a name, or null. */
    public ServedModel get(String name) {
        for (ServedModel r : models) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** Replaces the model of the same name (closing the old one) and records its descriptor. */
    public void swap(ServedModel next, ModelDescriptor descriptor, long now) {
        for (int i = 0; i < models.size(); i++) {
            if (models.get(i).name().equals(next.name())) {
                ServedModel old = models.set(i, next);
                if (old.model() != next.model()) {
                    old.close();
                }
                record(descriptor, now);
                return;
            }
        }
        throw new IllegalArgumentException("model '" + next.name() + "' is not served here; served: " + names());
    }

    /** Records a descriptor as current (and in the history), without a swap (initial artifacts, restore). */
    public void record(ModelDescriptor descriptor, long now) {
        if (descriptor != null) {
            current.put(descriptor.model, descriptor);
            history.put(descriptor.model + "@" + descriptor.version, descriptor);
            loadedAt.put(descriptor.model, now);
        }
    }

    public ModelDescriptor current(String model) {
        return current.get(model);
    }

    /** A previously deployed version of a model, or null. */
    public ModelDescriptor deployed(String model, String version) {
        return history.get(model + "@" + version);
    }

    public List<ModelDescriptor> history() {
        return new ArrayList<>(history.values());
    }

    public List<ModelDescriptor> currentDescriptors() {
        return new ArrayList<>(current.values());
    }

    /** When the served version of a model was loaded (ms), for the model-age gauge. */
    public long loadedAt(String model) {
        return loadedAt.getOrDefault(model, 0L);
    }

    public List<String> names() {
        List<String> n = new ArrayList<>();
        models.forEach(m -> n.add(m.name()));
        return n;
    }

    @Override
    public void close() {
        models.forEach(ServedModel::close);
    }
}
