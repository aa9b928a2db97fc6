package dev.streamrec.model.backbone;

import java.util.Arrays;

/**
 * One user's key/value cache for incremental SASRec ({@link SasRecStepper}): for the last
 * P <= slots positions of the user's history, the item indices and, for every layer above the
 * first, the keys (rotated at their absolute positions) and values (d floats per position), with
 * the final hidden state of the newest position (d floats; zeros when P = 0) and the absolute
 * position of the next item ({@link #next}: the positions folded in since the cache started).
 *
 * <p>The positions live in rings of {@code slots} rows, so that a step appends its new position
 * in place, overwriting the oldest once the ring is full, instead of copying the whole cache:
 * absolute position q is at row (q - origin) mod slots, where origin is the position the first
 * row held when the cache was made. A cache is therefore advanced in place by the step it is
 * given to: it belongs to one user and one row of one batch. The oldest-first views
 * ({@link #items()}, {@link #keys}, {@link #values}) are copies, for storing and checking it.
 */
public final class KeyValueCache {

    private final int slots;
    private final int dim;
    private final int[] items;
    private final float[][] keys;
    private final float[][] values;
    private final float[] top;
    private final long origin;
    private long next;

    /**
     * A cache of {@code slots} rows holding the positions next-P..next-1, given oldest first:
     * {@code items} (P), {@code keys[l]} and {@code values[l]} (P·d floats each, position-major)
     * for each cached layer, {@code top} (d). Copies them; an IllegalArgumentException when they
     * do not fit together.
     */
    public KeyValueCache(int slots, int[] items, float[][] keys, float[][] values, float[] top, long next) {
        int p = items.length;
        int d = top.length;
        boolean ok = p <= slots && next >= p && keys.length == values.length;
        for (int l = 0; ok && l < keys.length; l++) {
            ok = keys[l].length == p * d && values[l].length == p * d;
        }
        if (!ok) {
            throw new IllegalArgumentException("a cache of " + p + " positions in " + slots + " slots, next " + next
                    + ", d = " + d + " with " + keys.length + " key and " + values.length
                    + " value layers of other lengths than positions·d");
        }
        this.slots = slots;
        this.dim = d;
        this.items = Arrays.copyOf(items, slots);
        this.keys = new float[keys.length][];
        this.values = new float[keys.length][];
        for (int l = 0; l < keys.length; l++) {
            this.keys[l] = Arrays.copyOf(keys[l], slots * d);
            this.values[l] = Arrays.copyOf(values[l], slots * d);
        }
        this.top = top.clone();
        this.origin = next - p;
        this.next = next;
    }

    /** The cache of a user with no history: {@code cachedLayers} layers, d = {@code dim}. */
    public static KeyValueCache empty(int slots, int cachedLayers, int dim) {
        float[][] none = new float[cachedLayers][0];
        return new KeyValueCache(slots, new int[0], none, none, new float[dim], 0);
    }

    /** An independent copy (to keep this state while a step advances the other). */
    public KeyValueCache copy() {
        float[][] k = new float[keys.length][];
        float[][] v = new float[keys.length][];
        for (int l = 0; l < keys.length; l++) {
            k[l] = keys(l);
            v[l] = values(l);
        }
        return new KeyValueCache(slots, items(), k, v, top, next);
    }

    /** P: the positions it holds. */
    public int positions() {
        return (int) Math.min(next - origin, slots); // positions since the first row, the ring's worth at most
    }

    /** The absolute position of the next item. */
    public long next() {
        return next;
    }

    public int slots() {
        return slots;
    }

    public int cachedLayers() {
        return keys.length;
    }

    public int dim() {
        return dim;
    }

    /** The newest position's final hidden state (d floats; not a copy). */
    public float[] top() {
        return top;
    }

    /** The item indices of the P positions, oldest first. */
    public int[] items() {
        int p = positions();
        int[] out = new int[p];
        int row = p > 0 ? row(0) : 0;
        for (int i = 0; i < p; i++) {
            out[i] = items[row];
            row = nextRow(row);
        }
        return out;
    }

    /** Cached layer {@code l}'s keys of the P positions, oldest first (P·d floats). */
    public float[] keys(int l) {
        return linear(keys[l]);
    }

    /** Cached layer {@code l}'s values of the P positions, oldest first (P·d floats). */
    public float[] values(int l) {
        return linear(values[l]);
    }

    /** The ring row of the {@code i}-th oldest position (0 <= i < P). */
    int row(int i) {
        return (int) Math.floorMod(next - positions() + i - origin, (long) slots);
    }

    /** The item index at ring row {@code row}. */
    int itemAt(int row) {
        return items[row];
    }

    /** Cached layer {@code l}'s key ring (slots·d floats, row-major; not a copy). */
    float[] keyRing(int l) {
        return keys[l];
    }

    /** Cached layer {@code l}'s value ring (not a copy). */
    float[] valueRing(int l) {
        return values[l];
    }

    /**
     * Appends {@code t} positions: {@code pending} (their items, oldest first) and, for each cached
     * layer l, their keys and values at {@code newKeys[l]} and {@code newValues[l]} from float
     * {@code offset} on (t·d each); then sets the newest position's hidden state. Only the last
     * {@code slots} of them are kept.
     */
    void append(int[] pending, float[][] newKeys, float[][] newValues, int offset, float[] newTop, int topOffset) {
        int t = pending.length;
        for (int i = Math.max(0, t - slots); i < t; i++) {
            int row = (int) Math.floorMod(next + i - origin, (long) slots);
            items[row] = pending[i];
            for (int l = 0; l < keys.length; l++) {
                System.arraycopy(newKeys[l], offset + i * dim, keys[l], row * dim, dim);
                System.arraycopy(newValues[l], offset + i * dim, values[l], row * dim, dim);
            }
        }
        next += t;
        System.arraycopy(newTop, topOffset, top, 0, dim);
    }

    private float[] linear(float[] ring) {
        int p = positions();
        float[] out = new float[p * dim];
        int row = p > 0 ? row(0) : 0;
        for (int i = 0; i < p; i++) {
            System.arraycopy(ring, row * dim, out, i * dim, dim);
            row = nextRow(row);
        }
        return out;
    }

    /** The ring row after {@code row}: rows of consecutive positions are consecutive, wrapping at slots. */
    int nextRow(int row) {
        return row + 1 == slots ? 0 : row + 1;
    }
}
