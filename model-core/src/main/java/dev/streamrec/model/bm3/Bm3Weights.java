package dev.streamrec.model.bm3;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float tensors (row-major) as saved in an artifact's {@code weights.bin}: a magic, a count,
 * then for each tensor its name, rank, shape and data. The serving tables of the graph family:
 * {@code users} (U, d) and {@code items} (N, d) propagated vectors, {@code predictor.weight} (d, d)
 * and {@code predictor.bias} (d) for BM3, and {@code modality.NAME.weight} (d_m, d) / {@code .bias}.
 */
public final class Bm3Weights {

    /** A tensor: its shape and row-major data. */
    public record Tensor(long[] shape, float[] data) {
        public Tensor {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
            }
        }

        public int rows() {
            return (int) shape[0];
        }

        public int cols() {
            return shape.length < 2 ? 1 : (int) shape[1];
        }
    }

    private static final int MAGIC = 0x424d3357; // "BM3W"

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    public Bm3Weights put(String name, Tensor t) {
        tensors.put(name, t);
        return this;
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("weights have no tensor '" + name + "'");
        }
        return t;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public Map<String, Tensor> all() {
        return Collections.unmodifiableMap(tensors);
    }

    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(out));
        d.writeInt(MAGIC);
        d.writeInt(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeInt(e.getValue().shape().length);
            for (long s : e.getValue().shape()) {
                d.writeLong(s);
            }
            for (float f : e.getValue().data()) {
                d.writeFloat(f);
            }
        }
        d.flush();
    }

    public static Bm3Weights read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(in));
        if (d.readInt() != MAGIC) {
            throw new IOException("not a graph-model weights file (bad magic)");
        }
        Bm3Weights w = new Bm3Weights();
        int n = d.readInt();
        for (int i = 0; i < n; i++) {
            String name = d.readUTF();
            long[] shape = new long[d.readInt()];
            long size = 1;
            for (int k = 0; k < shape.length; k++) {
                shape[k] = d.readLong();
                size *= shape[k];
            }
            float[] data = new float[Math.toIntExact(size)];
            for (int k = 0; k < data.length; k++) {
                data[k] = d.readFloat();
            }
            w.put(name, new Tensor(shape, data));
        }
        return w;
    }
}
