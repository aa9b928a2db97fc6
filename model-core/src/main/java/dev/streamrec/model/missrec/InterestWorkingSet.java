package dev.streamrec.model.missrec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One user's per-sequence DPC-KNN working set, as the stream keeps it in the user's keyed state
 * between events: the items of the window the clustering ran on (oldest first), the scaled squared
 * distances between their M·n tokens, the interest slot each token was assigned to, and the tag of
 * the model (version and feature generation) whose tokens these are.
 *
 * <p>An event {@link #advance advances} the set: distances between tokens that stay in the window are
 * reused, only the pairs involving new items are computed (O(M·n·D) per new item instead of
 * O((M·n)²·D)). The densities, prototypes and assignment are then recomputed from the distances in
 * the batched forward pass: one new token can change its neighbours' k-NN sets and hence the density
 * peaks, so that part cannot be patched locally. A set with another tag, or whose items do not
 * overlap the new window, is not reused (the distances are computed from scratch).
 *
 * <p>Token order is item-major: token {@code i·M + m} is modality m of the i-th item of the window.
 */
public final class InterestWorkingSet {

    private static final byte FORMAT = 2;

    private final String tag;
    private final int[] items;
    private final int modalities;
    private final float[] d2; // strict upper triangle over items.length * modalities tokens
    private final short[] assignment; // per token, item-major; empty until assigned

    private InterestWorkingSet(String tag, int[] items, int modalities, float[] d2, short[] assignment) {
        this.tag = tag;
        this.items = items;
        this.modalities = modalities;
        this.d2 = d2;
        this.assignment = assignment;
    }

    /**
     * The working set of {@code window} (item indices, oldest first) under the model state
     * {@code tag}: distances among items it shares with {@code previous} (a suffix of previous's
     * window that starts {@code window}) are copied, the others computed from {@code tokens}.
     */
    public static InterestWorkingSet advance(InterestWorkingSet previous, String tag, int[] window, ItemTokenTable tokens) {
        int mods = tokens.modalities();
        int n = window.length * mods;
        float[] d = new float[n * (n - 1) / 2];
        int keep = 0; // leading items of window whose distances are known
        int shift = 0; // their position in previous's window
        if (previous != null && previous.tag.equals(tag) && previous.modalities == mods) {
            shift = overlapStart(previous.items, window);
            keep = shift < 0 ? 0 : previous.items.length - shift;
        }
        int pn = previous == null ? 0 : previous.items.length * mods;
        for (int i = 0; i < n; i++) {
            int itemI = i / mods;
            for (int j = i + 1; j < n; j++) {
                int itemJ = j / mods;
                float v;
                if (itemJ < keep) {
                    v = previous.d2[index(i + shift * mods, j + shift * mods, pn)];
                } else {
                    v = tokens.scaledSquaredDistance(window[itemI], i % mods, window[itemJ], j % mods);
                }
                d[index(i, j, n)] = v;
            }
        }
        return new InterestWorkingSet(tag, window.clone(), mods, d, new short[0]);
    }

    /**
     * The smallest s such that {@code previous[s..]} is a prefix of {@code window} (the longest
     * reusable overlap), or -1 when there is none.
     */
    static int overlapStart(int[] previous, int[] window) {
        for (int s = 0; s < previous.length; s++) {
            int len = previous.length - s;
            if (len <= window.length && Arrays.equals(previous, s, previous.length, window, 0, len)) {
                return s;
            }
        }
        return -1;
    }

    private static int index(int i, int j, int n) {
        return i * n - i * (i + 1) / 2 + (j - i - 1);
    }

    /** Items of the window, oldest first (a copy). */
    public int[] items() {
        return items.clone();
    }

    public String tag() {
        return tag;
    }

    /** Interest slot per token, item-major (empty before the forward pass assigned them). */
    public short[] assignment() {
        return assignment.clone();
    }

    /** The scaled squared distance between two tokens of the window (item-major indices). */
    public float distance(int i, int j) {
        if (i == j) {
            return 0f;
        }
        int n = items.length * modalities;
        return i < j ? d2[index(i, j, n)] : d2[index(j, i, n)];
    }

    /**
     * Writes the full distance matrix in the forward pass's modality-major layout for a batch of
     * width {@code width}: token (t, m) sits at {@code m·width + t}; padding rows and columns stay 0.
     *
     * @param out (M·width)² floats starting at {@code offset}
     */
    void fillForwardOrder(float[] out, int offset, int width) {
        int side = modalities * width;
        int n = items.length * modalities;
        for (int i = 0; i < n; i++) {
            int ri = (i % modalities) * width + i / modalities;
            for (int j = i + 1; j < n; j++) {
                int rj = (j % modalities) * width + j / modalities;
                float v = d2[index(i, j, n)];
                out[offset + ri * side + rj] = v;
                out[offset + rj * side + ri] = v;
            }
        }
    }

    /** This set with the assignment the forward pass made, given in modality-major layout of width {@code width}. */
    InterestWorkingSet withForwardAssignment(long[] forward, int offset, int width) {
        int n = items.length * modalities;
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
            a[i] = (short) forward[offset + (i % modalities) * width + i / modalities];
        }
        return new InterestWorkingSet(tag, items, modalities, d2, a);
    }

    /** Compact binary form for the user's keyed state (bulk little-endian arrays: no per-float calls). */
    public byte[] encode() {
        byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + tagBytes.length + 1 + 4 + 4 * items.length + 4 * d2.length
                + 4 + 2 * assignment.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(FORMAT).putInt(tagBytes.length).put(tagBytes).put((byte) modalities).putInt(items.length);
        b.asIntBuffer().put(items);
        b.position(b.position() + 4 * items.length);
        b.asFloatBuffer().put(d2);
        b.position(b.position() + 4 * d2.length);
        b.putInt(assignment.length);
        b.asShortBuffer().put(assignment);
        return b.array();
    }

    /** Reads {@link #encode}'s form; null for null, for another format or for bytes it cannot read (start over). */
    public static InterestWorkingSet decode(byte[] state) {
        if (state == null || state.length == 0 || state[0] != FORMAT) {
            return null;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
            b.get();
            byte[] tagBytes = new byte[b.getInt()];
            b.get(tagBytes);
            int mods = b.get();
            int count = b.getInt();
            if (mods <= 0 || count < 0) {
                return null;
            }
            int[] items = new int[count];
            b.asIntBuffer().get(items);
            b.position(b.position() + 4 * count);
            int n = count * mods;
            float[] d = new float[n * (n - 1) / 2];
            b.asFloatBuffer().get(d);
            b.position(b.position() + 4 * d.length);
            short[] a = new short[b.getInt()];
            b.asShortBuffer().get(a);
            return new InterestWorkingSet(new String(tagBytes, StandardCharsets.UTF_8), items, mods, d, a);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
