package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.streamrec.model.train.TensorWrites;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The named trainable tensors of one model, owned by one {@link NDManager}. Replaces DJL's Block
 * parameter machinery with something small enough to freeze by name prefix (parameter-efficient
 * fine-tuning) and to save/load by name. Initialisation follows the released MISSRec code:
 * N(0, 0.02) for weights and embeddings, zeros for biases, ones for LayerNorm gains.
 */
public final class Parameters implements AutoCloseable {

    public static final float INIT_STD = 0.02f;

    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final Set<String> frozen = new HashSet<>();

    public Parameters(NDManager manager) {
        this.manager = manager;
    }

    public NDManager manager() {
        return manager;
    }

    public NDArray normal(String name, Shape shape) {
        return register(name, manager.randomNormal(0f, INIT_STD, shape, DataType.FLOAT32));
    }

    public NDArray zeros(String name, Shape shape) {
        return register(name, manager.zeros(shape, DataType.FLOAT32));
    }

    public NDArray ones(String name, Shape shape) {
        return register(name, manager.ones(shape, DataType.FLOAT32));
    }

    private NDArray register(String name, NDArray array) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter " + name);
        }
        array.setName(name);
        array.setRequiresGradient(true);
        arrays.put(name, array);
        return array;
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return a;
    }

    public Map<String, NDArray> all() {
        return Collections.unmodifiableMap(arrays);
    }

    /** Freezes every parameter whose name matches (gradients are no longer computed or applied). */
    public void freeze(Predicate<String> which) {
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            if (which.test(e.getKey()) && frozen.add(e.getKey())) {
                e.getValue().setRequiresGradient(false);
            }
        }
    }

    public boolean isFrozen(String name) {
        return frozen.contains(name);
    }

    /** The parameters an optimiser updates, in a stable order. */
    public List<NDArray> trainable() {
        List<NDArray> out = new ArrayList<>();
        arrays.forEach((n, a) -> {
            if (!frozen.contains(n)) {
                out.add(a);
            }
        });
        return out;
    }

    public long count(boolean trainableOnly) {
        long n = 0;
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            if (!trainableOnly || !frozen.contains(e.getKey())) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    /** Writes every parameter with its name (DJL's NDList encoding). */
    public void write(OutputStream out) throws IOException {
        NDList list = new NDList();
        arrays.values().forEach(list::add);
        list.encode(out);
    }

    /**
     * Loads values by name into the existing parameters. Every parameter must be present with its
     * shape; {@code optional} names may be missing (they keep their initial values).
     */
    public void read(InputStream in, Predicate<String> optional) throws IOException {
        try (NDManager tmp = manager.newSubManager()) {
            NDList list = NDList.decode(tmp, in);
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (NDArray a : list) {
                byName.put(a.getName(), a);
            }
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                NDArray src = byName.get(e.getKey());
                if (src == null) {
                    if (optional.test(e.getKey())) {
                        continue;
                    }
                    throw new IOException("parameter " + e.getKey() + " missing from the weights");
                }
                if (!src.getShape().equals(e.getValue().getShape())) {
                    throw new IOException("parameter " + e.getKey() + " has shape " + src.getShape()
                            + ", expected " + e.getValue().getShape());
                }
                TensorWrites.overwrite(e.getValue(), src.toFloatArray());
            }
        }
    }

    @Override
    public void close() {
        arrays.values().forEach(NDArray::close);
        arrays.clear();
    }
}
