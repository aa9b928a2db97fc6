package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.util.Arrays;
import java.util.List;

/**
 * Incremental SASRec inference with a key/value cache: advances a batch of users' caches by the
 * items each user has not folded in yet, computing only the new positions' queries, keys and values
 * and their attention over the cache, and scores the catalogue from the newest position.
 *
 * <p>The function served is SASRec over the user's <em>whole</em> history with every layer's
 * attention limited to a band of L = maxLen positions: position t sees t-L+1..t
 * ({@link SequenceModelBlock#encodeBanded}, the reference). Up to L items that is the model's
 * ordinary causal forward; beyond, the window encoder forgets the older items at every layer, while
 * here a layer's input at t-L+1 still carries what the layers below saw before it (the receptive
 * field grows by L-1 per layer). It needs rotary positions ({@link EncoderConfig.Positions#ROTARY}):
 * attention logits then depend only on offsets, so a key computed once stays valid. Keys are cached
 * unrotated and rotated at use by their offset from the new position (the new query at offset 0,
 * the cached key of position s at s - t), which keeps the angles small however long the history.
 *
 * <p>A user's {@link Cache} holds, for the last L-1 positions, the item indices and, for each layer
 * above the first, the keys and values; the first layer's keys and values depend on the item alone
 * (item vector, LayerNorm, projection) and are gathered from per-item tables computed at
 * construction. It also holds the final hidden state of the newest position, which a row without
 * new items is scored from. A row without a cache (null) starts from the empty one: its pending
 * items are the history the request carries, encoded as one band-masked forward. The rows run as
 * one call per distinct number of pending items; the scoring is one pass over the whole batch.
 * Every intermediate NDArray is released by the call; calls may run concurrently.
 */
public final class SasRecStepper extends BatchStepper<SasRecStepper.Cache, SasRecStepper.Row> {

    /**
     * One user's cache: {@code items} the indices of the last P <= L-1 positions, oldest first;
     * {@code keys[l-1]} and {@code values[l-1]} layer l's unrotated keys and values of those
     * positions (P·d floats, position-major) for l = 1..layers-1; {@code top} the final hidden
     * state at the newest position (d floats; zeros when P = 0).
     */
    public record Cache(int[] items, float[][] keys, float[][] values, float[] top) {

        public int positions() {
            return items.length;
        }
    }

    /** One user's row: the cache (null: none) and the item indices to fold in, oldest first. */
    public record Row(Cache cache, int[] pending) implements BatchStepper.Pending {}

    private final SasRecEncoderBlock encoder;
    private final int layers;
    private final int window;
    private final int slots;
    private final NDArray firstKeys; // (N+1, d): layer 0's key of each item
    private final NDArray firstValues; // (N+1, d)
    private final NDList stepPositions; // rotary table of key positions -slots..0

    public SasRecStepper(SequenceModelBlock block, NDManager manager) {
        super(block, manager);
        if (!(block.encoder() instanceof SasRecEncoderBlock e)
                || block.config().positions() != EncoderConfig.Positions.ROTARY) {
            throw new IllegalArgumentException("a key/value cache needs a SASRec encoder with rotary positions, not "
                    + block.config().kind().id() + " with " + block.config().positions().id() + " positions");
        }
        this.encoder = e;
        this.layers = block.config().layers();
        this.window = block.config().maxLen();
        this.slots = window - 1;
        try (NDScope scope = new NDScope()) {
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray table = block.items().table(ps, manager.getDevice(), false);
            SasRecLayerBlock first = encoder.layers().get(0);
            NDArray x = encoder.input(table.expandDims(0)); // (1, N+1, d)
            NDList kv = first.attention().project(ps, first.attentionInput(ps, x, false), false);
            this.firstKeys = kv.get(1).squeeze(0);
            this.firstValues = kv.get(2).squeeze(0);
            this.stepPositions = RotaryEmbedding.table(manager, -slots, slots + 1, dim / block.config().heads());
            NDScope.unregister(firstKeys, firstValues);
            NDScope.unregister(stepPositions);
            scope.suppressNotUsedWarning();
        }
    }

    /** Positions a cache keeps: L-1. */
    public int slots() {
        return slots;
    }

    /** Layers whose keys and values a cache holds: layers-1. */
    public int cachedLayers() {
        return layers - 1;
    }

    public int dim() {
        return dim;
    }

    /** The cache of a user with no history. */
    public Cache empty() {
        float[][] none = new float[layers - 1][0];
        return new Cache(new int[0], none, none, new float[dim]);
    }

    @Override
    protected Cache start(Row row, int r) {
        return row.cache() == null ? empty() : check(row.cache(), r);
    }

    @Override
    protected void copyTop(Cache cache, float[] into, int offset) {
        System.arraycopy(cache.top(), 0, into, offset, dim);
    }

    private Cache check(Cache c, int row) {
        boolean ok = c.items().length <= slots && c.top().length == dim
                && c.keys().length == layers - 1 && c.values().length == layers - 1;
        for (int l = 0; ok && l < layers - 1; l++) {
            ok = c.keys()[l].length == c.positions() * dim && c.values()[l].length == c.positions() * dim;
        }
        if (!ok) {
            throw new IllegalArgumentException("row " + row + ": a cache of another shape (at most " + slots
                    + " positions, " + (layers - 1) + " cached layers, d = " + dim + ")");
        }
        return c;
    }

    /**
     * Runs the {@code t} pending items of the rows {@code members} through every layer, attending
     * over their caches (left-padded to the longest among them) and each other within the band,
     * and replaces their caches with the extended ones.
     */
    @Override
    protected void fold(ParameterStore ps, NDArray table, List<Row> rows, List<Integer> members, int t, List<Cache> caches) {
        int g = members.size();
        int c = 0; // cache slots of this call: the longest cache among the members
        for (int r : members) {
            c = Math.max(c, caches.get(r).positions());
        }
        long[] ids = new long[g * t];
        long[] cacheIds = new long[g * c];
        float[] mask = new float[g * t * (c + t)];
        for (int j = 0; j < g; j++) {
            Cache cache = caches.get(members.get(j));
            int[] pending = rows.get(members.get(j)).pending();
            int p = cache.positions();
            for (int i = 0; i < t; i++) {
                ids[j * t + i] = pending[i];
            }
            for (int s = 0; s < p; s++) {
                cacheIds[j * c + c - p + s] = cache.items()[s];
            }
            for (int i = 0; i < t; i++) { // query at position i; key k at position k - c
                for (int k = 0; k < c + t; k++) {
                    int pos = k - c;
                    boolean allowed = (k >= c - p) && pos <= i && pos > i - window;
                    mask[(j * t + i) * (c + t) + k] = allowed ? 0f : CausalSelfAttentionBlock.MASKED;
                }
            }
        }
        NDArray additive = manager.create(mask, new Shape(g, 1, t, c + t));
        NDArray cacheIndex = manager.create(cacheIds, new Shape(g, c));
        int dh = dim / block.config().heads();
        NDList queryPositions = t == 1 ? null : RotaryEmbedding.table(manager, 0, t, dh);
        NDList keyPositions = t == 1
                ? new NDList(stepPositions.get(0).get((slots - c) + ":"), stepPositions.get(1).get((slots - c) + ":"))
                : RotaryEmbedding.table(manager, -c, c + t, dh);

        NDArray x = encoder.input(ItemEmbeddingBlock.lookup(table, manager.create(ids, new Shape(g, t)))); // (g, t, d)
        float[][] newKeys = new float[layers - 1][];
        float[][] newValues = new float[layers - 1][];
        for (int l = 0; l < layers; l++) {
            SasRecLayerBlock layer = encoder.layers().get(l);
            NDList qkv = layer.attention().project(ps, layer.attentionInput(ps, x, false), false);
            NDArray keys = qkv.get(1);
            NDArray values = qkv.get(2);
            if (c > 0) {
                NDArray cachedKeys;
                NDArray cachedValues;
                if (l == 0) {
                    cachedKeys = ItemEmbeddingBlock.lookup(firstKeys, cacheIndex);
                    cachedValues = ItemEmbeddingBlock.lookup(firstValues, cacheIndex);
                } else {
                    cachedKeys = gather(members, caches, c, l - 1, true);
                    cachedValues = gather(members, caches, c, l - 1, false);
                }
                keys = NDArrays.concat(new NDList(cachedKeys, keys), 1);
                values = NDArrays.concat(new NDList(cachedValues, values), 1);
            }
            if (l > 0) {
                newKeys[l - 1] = qkv.get(1).toFloatArray();
                newValues[l - 1] = qkv.get(2).toFloatArray();
            }
            NDArray a = layer.attention().attend(ps, qkv.get(0), keys, values, additive, queryPositions, keyPositions, false);
            x = layer.afterAttention(ps, x, a, false);
        }
        float[] tops = encoder.output(ps, x.get(":, " + (t - 1) + ":, :"), false).toFloatArray(); // (g, 1, d)
        for (int j = 0; j < g; j++) {
            int r = members.get(j);
            caches.set(r, extended(caches.get(r), rows.get(r).pending(), newKeys, newValues, j, t,
                    Arrays.copyOfRange(tops, j * dim, (j + 1) * dim)));
        }
    }

    /** Layer {@code upper}+1's cached keys (or values) of the members, left-padded to {@code c} positions: (g, c, d). */
    private NDArray gather(List<Integer> members, List<Cache> caches, int c, int upper, boolean keys) {
        float[] out = new float[members.size() * c * dim];
        for (int j = 0; j < members.size(); j++) {
            Cache cache = caches.get(members.get(j));
            float[] rows = keys ? cache.keys()[upper] : cache.values()[upper];
            System.arraycopy(rows, 0, out, (j * c + c - cache.positions()) * dim, rows.length);
        }
        return manager.create(out, new Shape(members.size(), c, dim));
    }

    /** The cache after appending {@code t} positions (member {@code j} of the call's new keys and values), cut to the last L-1. */
    private Cache extended(Cache old, int[] pending, float[][] newKeys, float[][] newValues, int j, int t, float[] top) {
        int p = old.positions();
        int keep = Math.min(slots, p + t);
        int fromOld = Math.max(0, keep - t); // positions kept from the old cache (its newest)
        int fromNew = keep - fromOld; // the newest positions of the call
        int[] items = new int[keep];
        System.arraycopy(old.items(), p - fromOld, items, 0, fromOld);
        System.arraycopy(pending, t - fromNew, items, fromOld, fromNew);
        float[][] keys = new float[layers - 1][];
        float[][] values = new float[layers - 1][];
        for (int u = 0; u < layers - 1; u++) {
            keys[u] = append(old.keys()[u], p, fromOld, newKeys[u], j, t, fromNew);
            values[u] = append(old.values()[u], p, fromOld, newValues[u], j, t, fromNew);
        }
        return new Cache(items, keys, values, top);
    }

    private float[] append(float[] old, int p, int fromOld, float[] fresh, int j, int t, int fromNew) {
        float[] out = new float[(fromOld + fromNew) * dim];
        System.arraycopy(old, (p - fromOld) * dim, out, 0, fromOld * dim);
        System.arraycopy(fresh, (j * t + t - fromNew) * dim, out, fromOld * dim, fromNew * dim);
        return out;
    }
}
