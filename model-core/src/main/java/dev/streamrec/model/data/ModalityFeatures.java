package dev.streamrec.model.data;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One modality's item feature vectors (frozen encoder outputs), as read from the generic feature
 * file: one line per item, {@code itemId<TAB>v1 v2 ... vd}, optionally gzipped. All vectors of a
 * modality have the same dimension.
 */
public final class ModalityFeatures {

    private final String name;
    private final int dim;
    private final Map<String, float[]> vectors;

    public ModalityFeatures(String name, int dim, Map<String, float[]> vectors) {
        this.name = name;
        this.dim = dim;
        this.vectors = vectors;
    }

    public String name() {
        return name;
    }

    public int dim() {
        return dim;
    }

    /** The vector of an item, or null when the item has none. */
    public float[] get(String itemId) {
        return vectors.get(itemId);
    }

    public Map<String, float[]> vectors() {
        return Collections.unmodifiableMap(vectors);
    }

    /**
     * A dense [size+1, dim] table aligned to the index (row 0 = padding = zeros); items without a
     * vector get zeros too (callers that must tell them apart use {@link #get}).
     */
    public float[][] alignedTo(ItemIndex index) {
        float[][] table = new float[index.size() + 1][dim];
        for (int i = 1; i <= index.size(); i++) {
            float[] v = vectors.get(index.idAt(i));
            if (v != null) {
                System.arraycopy(v, 0, table[i], 0, dim);
            }
        }
        return table;
    }

    /** Reads a feature file; the modality name defaults to the file name without extensions. */
    public static ModalityFeatures read(Path file) throws IOException {
        String base = file.getFileName().toString();
        int dot = base.indexOf('.');
        return read(file, dot > 0 ? base.substring(0, dot) : base);
    }

    public static ModalityFeatures read(Path file, String name) throws IOException {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        int dim = -1;
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab <= 0) {
                    throw new IOException(file + ":" + lineNo + ": expected itemId<TAB>v1 v2 ...");
                }
                String[] parts = line.substring(tab + 1).trim().split(" +");
                if (dim < 0) {
                    dim = parts.length;
                } else if (parts.length != dim) {
                    throw new IOException(
                            file + ":" + lineNo + ": dimension " + parts.length + ", expected " + dim);
                }
                float[] v = new float[dim];
                for (int i = 0; i < dim; i++) {
                    v[i] = Float.parseFloat(parts[i]);
                }
                vectors.put(line.substring(0, tab), v);
            }
        }
        if (dim < 0) {
            throw new IOException("no feature vectors in " + file);
        }
        return new ModalityFeatures(name, dim, vectors);
    }

    /** Writes this modality in the feature format (gzipped when the name ends in .gz). */
    public void write(Path file) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw;
                BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
            for (Map.Entry<String, float[]> e : vectors.entrySet()) {
                w.write(e.getKey());
                w.write('\t');
                float[] v = e.getValue();
                for (int i = 0; i < v.length; i++) {
                    if (i > 0) {
                        w.write(' ');
                    }
                    w.write(Float.toString(v[i]));
                }
                w.write('\n');
            }
        }
    }
}
