package dev.streamrec.model.backbone;

import java.util.Arrays;

/**
 * One user's key/value cache for incremental SASRec ({@link SasRecStepper}): for the last
 * P <= slots positions of the user's history, the item indices and, for every layer above the
 * first, the keys (rotated at their absolute positions) and values (d numbers per position), with
 * the final hidden state of the newest position (d floats; zeros when P = 0) and the absolute
 * position of the next item ({@link #next}: the positions folded in since the cache started).
 *
 * <p>The keys and values are held in float32 or in float16 ({@link #halves}): a float16 cache
 * rounds every key and value it stores to the nearest half, so that it holds what a cache stored in
 * float16 and read back holds, and a float16 state is read into it and written from it as it is,
 * without converting (the step's kernels widen the halves where they load them). A float16 cache
 * that comes to hold a half that is not finite says so ({@link #allFinite}): its readers then take
 * the rows through the exact conversion.
 *
 * <p>The positions live in rings of {@code slots} rows, so that a step appends its new position
 * in place, overwriting the oldest once the ring is full, instead of copying the whole cache:
 * absolute position q is at row (q - origin) mod slots, where origin is the position the first
 * row held when the cache was made. A cache is therefore advanced in place by the step it is
 * given to: it belongs to one user and one row of one batch. The oldest-first views
 * ({@link #items()}, {@link #keys}, {@link #values}, {@link #halfKeys}, {@link #halfValues}) are
 * copies, for storing and checking it.
 */
public final class KeyValueCache {

    /** Asked whether a float16 cache's halves are all finite: a read cache is checked whole, in SIMD where the JVM can. */
    private static final AttentionKernels KERNELS = AttentionKernels.best();

    private final int slots;
    private final int dim;
    private final int[] items;
    private final float[][] keys; // float32 rings (null in a float16 cache)
    private final float[][] values;
    private final short[][] halfKeys; // float16 rings (null in a float32 cache)
    private final short[][] halfValues;
    private final float[] top;
    private final long origin;
    private long next;
    private boolean allFinite;

    /**
     * A float32 cache of {@code slots} rows holding the positions next-P..next-1, given oldest
     * first: {@code items} (P), {@code keys[l]} and {@code values[l]} (P·d floats each,
     * position-major) for each cached layer, {@code top} (d). Copies them; an
     * IllegalArgumentException when they do not fit together.
     */
    public KeyValueCache(int slots, int[] items, float[][] keys, float[][] values, float[] top, long next) {
        this(slots, items, keys, values, null, null, top, next);
    }

    /**
     * A float16 cache: as the float32 constructor, with the keys and values given as halves. Rows
     * of a full cache (P = slots) are taken as they are, not copied: the caller hands them over
     * (a stored state's rows, read for this cache alone) and must not change them afterwards.
     */
    public static KeyValueCache ofHalves(int slots, int[] items, short[][] keys, short[][] values, float[] top, long next) {
        return new KeyValueCache(slots, items, null, null, keys, values, top, next);
    }

    /** Either the float rows or the half rows are null. */
    private KeyValueCache(int slots, int[] items, float[][] keys, float[][] values, short[][] halfKeys, short[][] halfValues,
            float[] top, long next) {
        int p = items.length;
        int d = top.length;
        boolean floats = keys != null;
        int layers = floats ? keys.length : halfKeys.length;
        int valueLayers = floats ? values.length : halfValues.length;
        boolean ok = p <= slots && next >= p && layers == valueLayers;
        for (int l = 0; ok && l < layers; l++) {
            ok = (floats ? keys[l].length : halfKeys[l].length) == p * d
                    && (floats ? values[l].length : halfValues[l].length) == p * d;
        }
        if (!ok) {
            throw new IllegalArgumentException("a cache of " + p + " positions in " + slots + " slots, next " + next
                    + ", d = " + d + " with " + layers + " key and " + valueLayers
                    + " value layers of other lengths than positions·d");
        }
        this.slots = slots;
        this.dim = d;
        this.items = Arrays.copyOf(items, slots);
        this.keys = floats ? new float[layers][] : null;
        this.values = floats ? new float[layers][] : null;
        this.halfKeys = floats ? null : new short[layers][];
        this.halfValues = floats ? null : new short[layers][];
        for (int l = 0; l < layers; l++) {
            if (floats) {
                this.keys[l] = Arrays.copyOf(keys[l], slots * d);
                this.values[l] = Arrays.copyOf(values[l], slots * d);
            } else {
                boolean full = p == slots; // rows oldest first are then the ring itself (origin = next - slots)
                this.halfKeys[l] = full ? halfKeys[l] : Arrays.copyOf(halfKeys[l], slots * d);
                this.halfValues[l] = full ? halfValues[l] : Arrays.copyOf(halfValues[l], slots * d);
            }
        }
        this.top = top.clone();
        this.origin = next - p;
        this.next = next;
        this.allFinite = floats || (finite(this.halfKeys) && finite(this.halfValues));
    }

    private static boolean finite(short[][] rings) {
        for (short[] ring : rings) {
            if (!KERNELS.allFinite(ring)) {
                return false;
            }
        }
        return true;
    }

    /** The float32 cache of a user with no history: {@code cachedLayers} layers, d = {@code dim}. */
    public static KeyValueCache empty(int slots, int cachedLayers, int dim) {
        float[][] none = new float[cachedLayers][0];
        return new KeyValueCache(slots, new int[0], none, none, new float[dim], 0);
    }

    /** An independent copy in the same precision (to keep this state while a step advances the other). */
    public KeyValueCache copy() {
        if (halves()) {
            short[][] k = new short[halfKeys.length][];
            short[][] v = new short[halfKeys.length][];
            for (int l = 0; l < k.length; l++) {
                k[l] = halfKeys(l);
                v[l] = halfValues(l);
            }
            return ofHalves(slots, items(), k, v, top, next);
        }
        float[][] k = new float[keys.length][];
        float[][] v = new float[keys.length][];
        for (int l = 0; l < keys.length; l++) {
            k[l] = keys(l);
            v[l] = values(l);
        }
        return new KeyValueCache(slots, items(), k, v, top, next);
    }

    /** Whether it holds its keys and values in float16 (rounding what it stores) rather than float32. */
    public boolean halves() {
        return halfKeys != null;
    }

    /** Whether every key and value it holds is finite (always for float32: only float16's are checked). */
    boolean allFinite() {
        return allFinite;
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
        return halves() ? halfKeys.length : keys.length;
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
        return halves() ? Half.toFloats(linear(halfKeys[l])) : linear(keys[l]);
    }

    /** Cached layer {@code l}'s values of the P positions, oldest first (P·d floats). */
    public float[] values(int l) {
        return halves() ? Half.toFloats(linear(halfValues[l])) : linear(values[l]);
    }

    /** A float16 cache's layer {@code l} keys as it holds them, oldest first (P·d halves). */
    public short[] halfKeys(int l) {
        return linear(halfRings(halfKeys)[l]);
    }

    /** A float16 cache's layer {@code l} values as it holds them, oldest first (P·d halves). */
    public short[] halfValues(int l) {
        return linear(halfRings(halfValues)[l]);
    }

    private short[][] halfRings(short[][] rings) {
        if (rings == null) {
            throw new IllegalStateException("a float32 cache has no halves");
        }
        return rings;
    }

    /** The ring row of the {@code i}-th oldest position (0 <= i < P). */
    int row(int i) {
        return (int) Math.floorMod(next - positions() + i - origin, (long) slots);
    }

    /** The item index at ring row {@code row}. */
    int itemAt(int row) {
        return items[row];
    }

    /** Cached layer {@code l}'s key ring (slots·d floats, row-major): a float32 cache's own, a float16 cache's widened. */
    float[] keyRing(int l) {
        return halves() ? Half.toFloats(halfKeys[l]) : keys[l];
    }

    /** Cached layer {@code l}'s value ring, as {@link #keyRing}. */
    float[] valueRing(int l) {
        return halves() ? Half.toFloats(halfValues[l]) : values[l];
    }

    /** A float16 cache's layer {@code l} key ring (slots·d halves, row-major; not a copy). */
    short[] halfKeyRing(int l) {
        return halfKeys[l];
    }

    /** A float16 cache's layer {@code l} value ring (not a copy). */
    short[] halfValueRing(int l) {
        return halfValues[l];
    }

    /**
     * Appends {@code t} positions: {@code pending} (their items, oldest first) and, for each cached
     * layer l, their keys and values at {@code newKeys[l]} and {@code newValues[l]} from float
     * {@code offset} on (t·d each; a float16 cache rounds them); then sets the newest position's
     * hidden state. Only the last {@code slots} of them are kept.
     */
    void append(int[] pending, float[][] newKeys, float[][] newValues, int offset, float[] newTop, int topOffset) {
        int t = pending.length;
        for (int i = Math.max(0, t - slots); i < t; i++) {
            int row = (int) Math.floorMod(next + i - origin, (long) slots);
            items[row] = pending[i];
            for (int l = 0; l < cachedLayers(); l++) {
                if (halves()) {
                    allFinite &= round(newKeys[l], offset + i * dim, halfKeys[l], row * dim);
                    allFinite &= round(newValues[l], offset + i * dim, halfValues[l], row * dim);
                } else {
                    System.arraycopy(newKeys[l], offset + i * dim, keys[l], row * dim, dim);
                    System.arraycopy(newValues[l], offset + i * dim, values[l], row * dim, dim);
                }
            }
        }
        next += t;
        System.arraycopy(newTop, topOffset, top, 0, dim);
    }

    /** Rounds d floats from {@code from} to halves at {@code at}; whether they are all finite. */
    private boolean round(float[] x, int from, short[] into, int at) {
        boolean finite = true;
        for (int j = 0; j < dim; j++) {
            short h = Half.toHalf(x[from + j]);
            into[at + j] = h;
            finite &= Half.isFinite(h);
        }
        return finite;
    }

    private float[] linear(float[] ring) {
        float[] out = new float[positions() * dim];
        oldestFirst(ring, out);
        return out;
    }

    private short[] linear(short[] ring) {
        short[] out = new short[positions() * dim];
        oldestFirst(ring, out);
        return out;
    }

    /** Copies the P positions' rows of a ring (float[] or short[]) into {@code out}, oldest first. */
    private void oldestFirst(Object ring, Object out) {
        int p = positions();
        int row = p > 0 ? row(0) : 0;
        for (int i = 0; i < p; i++) {
            System.arraycopy(ring, row * dim, out, i * dim, dim);
            row = nextRow(row);
        }
    }

    /** The ring row after {@code row}: rows of consecutive positions are consecutive, wrapping at slots. */
    int nextRow(int row) {
        return row + 1 == slots ? 0 : row + 1;
    }
}
