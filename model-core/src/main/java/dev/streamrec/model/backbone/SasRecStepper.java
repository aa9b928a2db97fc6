package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
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
 * attention logits then depend only on offsets, so a key computed once stays valid. The keys of the
 * layers above the first are cached rotated at their absolute position in the cache's history
 * (counted from the position the cache started at; the angles in double precision,
 * {@link RotaryEmbedding#rowTable}), so that a step rotates only its new queries and keys and never
 * a cached key again. The first layer's keys and values depend on the item alone (item vector,
 * LayerNorm, projection): they are not cached but read from per-item tables computed at
 * construction, unrotated, and rotated at use by their offset from the new position.
 *
 * <p>A user's {@link KeyValueCache} holds the last L-1 positions (the new position's attention sees
 * those and itself). A row without a cache (null) starts from the empty one: its pending items are
 * the history the request carries. The rows run as one call per distinct number of pending items;
 * the scoring is one pass over the whole batch. Rows of one item, the streaming case, attend in
 * plain Java over their caches where they lie ({@link SingleStepAttention}); rows of several items
 * run as one band-masked forward over their caches gathered into a tensor. Either way the caches
 * are advanced in place ({@link KeyValueCache}: each belongs to one row). Every intermediate
 * NDArray is released by the call; calls may run concurrently.
 */
public final class SasRecStepper extends BatchStepper<KeyValueCache, SasRecStepper.Row> {

    /** One user's row: the cache (null: none) and the item indices to fold in, oldest first. */
    public record Row(KeyValueCache cache, int[] pending) implements BatchStepper.Pending {}

    /** The fewest rows a call's tensors have ({@link #padded}). */
    static final int MIN_ROWS = 16;

    private final SasRecEncoderBlock encoder;
    private final int layers;
    private final int heads;
    private final int window;
    private final int slots;
    private final NDArray firstKeys; // (N+1, d): layer 0's key of each item
    private final NDArray firstValues; // (N+1, d)
    private final SingleStepAttention single;

    public SasRecStepper(SequenceModelBlock block, NDManager manager) {
        super(block, manager);
        if (!(block.encoder() instanceof SasRecEncoderBlock e)
                || block.config().positions() != EncoderConfig.Positions.ROTARY) {
            throw new IllegalArgumentException("a key/value cache needs a SASRec encoder with rotary positions, not "
                    + block.config().kind().id() + " with " + block.config().positions().id() + " positions");
        }
        this.encoder = e;
        this.layers = block.config().layers();
        this.heads = block.config().heads();
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
            NDScope.unregister(firstKeys, firstValues);
            this.single = new SingleStepAttention(dim, heads, slots, firstKeys.toFloatArray(), firstValues.toFloatArray());
            scope.suppressNotUsedWarning();
        }
    }

    /** What the one-item step's attention runs in: the Vector API's SIMD or plain Java. */
    public String attentionKernels() {
        return single.kernels();
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
    public KeyValueCache empty() {
        return KeyValueCache.empty(slots, layers - 1, dim);
    }

    @Override
    protected KeyValueCache start(Row row, int r) {
        KeyValueCache c = row.cache();
        if (c == null) {
            return empty();
        }
        if (c.slots() != slots || c.cachedLayers() != layers - 1 || c.dim() != dim) {
            throw new IllegalArgumentException("row " + r + ": a cache of another shape (" + slots + " slots, "
                    + (layers - 1) + " cached layers, d = " + dim + ")");
        }
        return c;
    }

    @Override
    protected void copyTop(KeyValueCache cache, float[] into, int offset) {
        System.arraycopy(cache.top(), 0, into, offset, dim);
    }

    @Override
    protected float[] fold(ParameterStore ps, NDArray table, List<Row> rows, List<Integer> members, int t, List<KeyValueCache> caches) {
        return t == 1 ? foldOne(ps, table, rows, members, caches) : foldMany(ps, table, rows, members, t, caches);
    }

    /**
     * Folds one pending item per member: the new position through every layer, its attention over
     * the member's cache in Java ({@link SingleStepAttention}), the projections and the rest of
     * each layer as batched tensor calls of (g, 1, d).
     */
    private float[] foldOne(ParameterStore ps, NDArray table, List<Row> rows, List<Integer> members, List<KeyValueCache> caches) {
        int g = members.size();
        int computed = Math.max(g, MIN_ROWS); // rows of the dense layers (#padded); the rows past g attend to nothing
        long[] ids = new long[computed];
        float[][] angles = new float[g][];
        int[][] itemRows = new int[g][]; // per member, its cached positions' rows in the item tables, oldest first
        int[][] ringRows = new int[g][]; // and in its rings
        for (int j = 0; j < g; j++) {
            KeyValueCache cache = caches.get(members.get(j));
            ids[j] = rows.get(members.get(j)).pending()[0];
            angles[j] = layers > 1 ? single.angles(cache.next()) : null;
            int p = cache.positions();
            itemRows[j] = new int[p];
            ringRows[j] = new int[p];
            int row = p > 0 ? cache.row(0) : 0;
            for (int i = 0; i < p; i++) { // the ring's rows, oldest first
                itemRows[j][i] = cache.itemAt(row) * dim;
                ringRows[j][i] = row * dim;
                row = cache.nextRow(row);
            }
        }
        Arrays.fill(ids, g, computed, ids[0]);
        NDArray x = encoder.input(ItemEmbeddingBlock.lookup(table, manager.create(ids, new Shape(computed, 1)))); // (computed, 1, d)
        float[][] newKeys = new float[layers - 1][];
        float[][] newValues = new float[layers - 1][];
        float[] logits = new float[slots + 1];
        for (int l = 0; l < layers; l++) {
            SasRecLayerBlock layer = encoder.layers().get(l);
            NDList qkv = layer.attention().project(ps, layer.attentionInput(ps, x, false), false);
            float[] q = qkv.get(0).toFloatArray();
            float[] k = qkv.get(1).toFloatArray();
            float[] v = qkv.get(2).toFloatArray();
            float[] context = new float[computed * dim];
            for (int j = 0; j < g; j++) {
                KeyValueCache cache = caches.get(members.get(j));
                if (l == 0) {
                    single.attendFirst(itemRows[j], q, k, v, j * dim, context, logits);
                } else {
                    single.rotate(q, j * dim, angles[j]);
                    single.rotate(k, j * dim, angles[j]);
                    single.attendUpper(ringRows[j], cache, l - 1, q, k, v, j * dim, context, logits);
                }
            }
            if (l > 0) {
                newKeys[l - 1] = k;
                newValues[l - 1] = v;
            }
            NDArray a = layer.attention().output(ps, manager.create(context, new Shape(computed, 1, dim)), false);
            x = layer.afterAttention(ps, x, a, false);
        }
        float[] tops = encoder.output(ps, x, false).toFloatArray(); // (computed, 1, d)
        for (int j = 0; j < g; j++) {
            int r = members.get(j);
            caches.get(r).append(rows.get(r).pending(), newKeys, newValues, j * dim, tops, j * dim);
        }
        return Arrays.copyOf(tops, g * dim);
    }

    /**
     * Runs the {@code t} pending items of the rows {@code members} through every layer, attending
     * over their caches (gathered oldest first, left-padded to the longest among them) and each
     * other within the band, and appends them to their caches.
     */
    private float[] foldMany(ParameterStore ps, NDArray table, List<Row> rows, List<Integer> realMembers, int t,
            List<KeyValueCache> caches) {
        List<Integer> members = padded(realMembers, t);
        int g = members.size();
        int c = 0; // cache slots of this call: the longest cache among the members
        for (int r : members) {
            c = Math.max(c, caches.get(r).positions());
        }
        long[] ids = new long[g * t];
        long[] cacheIds = new long[g * c];
        long[] starts = new long[g]; // absolute position of each member's first pending item
        float[] mask = new float[g * t * (c + t)];
        for (int j = 0; j < g; j++) {
            KeyValueCache cache = caches.get(members.get(j));
            int[] pending = rows.get(members.get(j)).pending();
            int p = cache.positions();
            starts[j] = cache.next();
            for (int i = 0; i < t; i++) {
                ids[j * t + i] = pending[i];
            }
            int[] cached = cache.items();
            for (int s = 0; s < p; s++) {
                cacheIds[j * c + c - p + s] = cached[s];
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
        int dh = dim / heads;
        // the first layer: offsets from the first pending position (its cached keys come unrotated from the table)
        NDList queryPositions = RotaryEmbedding.table(manager, 0, t, dh);
        NDList keyPositions = RotaryEmbedding.table(manager, -c, c + t, dh);
        // the layers above: absolute positions (their cached keys are stored rotated)
        NDList absolute = layers > 1 ? RotaryEmbedding.rowTable(manager, starts, t, dh) : null;

        NDArray x = encoder.input(ItemEmbeddingBlock.lookup(table, manager.create(ids, new Shape(g, t)))); // (g, t, d)
        float[][] newKeys = new float[layers - 1][];
        float[][] newValues = new float[layers - 1][];
        for (int l = 0; l < layers; l++) {
            SasRecLayerBlock layer = encoder.layers().get(l);
            NDList qkv = layer.attention().project(ps, layer.attentionInput(ps, x, false), false);
            NDArray queries = qkv.get(0);
            NDArray fresh = l == 0 ? qkv.get(1) : RotaryEmbedding.rotateHeads(qkv.get(1), absolute, heads);
            if (l > 0) {
                queries = RotaryEmbedding.rotateHeads(queries, absolute, heads);
                newKeys[l - 1] = fresh.toFloatArray();
                newValues[l - 1] = qkv.get(2).toFloatArray();
            }
            NDArray keys = fresh;
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
            NDArray a = l == 0
                    ? layer.attention().attend(ps, queries, keys, values, additive, queryPositions, keyPositions, false)
                    : layer.attention().attend(ps, queries, keys, values, additive, null, null, false);
            x = layer.afterAttention(ps, x, a, false);
        }
        float[] tops = encoder.output(ps, x, false).toFloatArray(); // (g, t, d): every position
        for (int j = 0; j < realMembers.size(); j++) {
            int r = members.get(j);
            caches.get(r).append(rows.get(r).pending(), newKeys, newValues, j * t * dim, tops, (j * t + t - 1) * dim);
        }
        return Arrays.copyOf(tops, realMembers.size() * t * dim);
    }

    /**
     * The members a call of several items per row computes: {@code members}, then copies of the
     * first until the call's tensors have at least {@link #MIN_ROWS} rows of d (members · t); the
     * copies are computed and dropped ({@link #foldOne} pads its dense layers' rows the same way,
     * with rows that attend to nothing). The bundled CPU libtorch multiplies a few rows by a d×d
     * weight along other code paths than many rows, whose sums differ in the last bits (from one
     * row up to 15, growing with d; measured for d = 4 to 512, one and two threads); from 16 rows on
     * a row's result is the same whatever the others are. Cached keys and values are rounded when stored (float16 by
     * default), where such a bit can flip a rounding that every later event of the user then sees.
     * With the padding a row's cache is the same bit for bit whatever other rows share its call
     * ({@code SasRecStepperTest}): a user's events folded one per call give the same caches however
     * the other users were batched with them. A user's several events folded as one row are still
     * computed otherwise (libtorch's attention, the earlier events' keys and values not yet rounded)
     * than the same events one per call; the two agree within the encoding's rounding.
     */
    private static List<Integer> padded(List<Integer> members, int t) {
        if (members.size() * t >= MIN_ROWS) {
            return members;
        }
        List<Integer> rows = new ArrayList<>(members);
        while (rows.size() * t < MIN_ROWS) {
            rows.add(members.get(0));
        }
        return rows;
    }

    /** Layer {@code upper}+1's cached keys (or values) of the members, oldest first, left-padded to {@code c} positions: (g, c, d). */
    private NDArray gather(List<Integer> members, List<KeyValueCache> caches, int c, int upper, boolean keys) {
        float[] out = new float[members.size() * c * dim];
        for (int j = 0; j < members.size(); j++) {
            KeyValueCache cache = caches.get(members.get(j));
            float[] rows = keys ? cache.keys(upper) : cache.values(upper);
            System.arraycopy(rows, 0, out, (j * c + c - cache.positions()) * dim, rows.length);
        }
        return manager.create(out, new Shape(members.size(), c, dim));
    }
}
