package dev.streamrec.model.bm3;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small binary container of named float matrices (big-endian: magic, format version, count, then
 * per matrix its name, rows, columns and row-major values), the weight file of a BM3 artifact.
 * Integrity is the artifact manifest's job; this format only refuses what it cannot parse.
 */
public final class NamedMatrices {

    private static final int MAGIC = 0x424d3354; // "BM3T"
    private static final int FORMAT = 1;

    private NamedMatrices() {}

    public static void write(Map<String, float[][]> matrices, OutputStream raw) throws IOException {
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw));
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeInt(matrices.size());
        for (Map.Entry<String, float[][]> e : matrices.entrySet()) {
            float[][] m = e.getValue();
            int cols = m.length == 0 ? 0 : m[0].length;
            out.writeUTF(e.getKey());
            out.writeInt(m.length);
            out.writeInt(cols);
            for (float[] row : m) {
                if (row.length != cols) {
                    throw new IOException("ragged matrix " + e.getKey());
                }
                for (float v : row) {
                    out.writeFloat(v);
                }
            }
        }
        out.flush();
    }

    public static Map<String, float[][]> read(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a BM3 weight file (bad magic)");
        }
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("BM3 weight file format " + format + " not understood (this build reads " + FORMAT + ")");
        }
        int count = in.readInt();
        Map<String, float[][]> out = new LinkedHashMap<>();
        for (int c = 0; c < count; c++) {
            String name = in.readUTF();
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows < 0 || cols < 0) {
                throw new IOException("bad shape for " + name);
            }
            float[][] m = new float[rows][cols];
            for (float[] row : m) {
                for (int j = 0; j < cols; j++) {
                    row[j] = in.readFloat();
                }
            }
            out.put(name, m);
        }
        if (in.read() != -1) {
            throw new IOException("trailing bytes in BM3 weight file");
        }
        return out;
    }
}
