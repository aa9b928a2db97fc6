package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.streamrec.model.serving.BlockedTopK;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SasRecStepperTest {

    /** float32 against the band-masked full forward: the same sums in other orders and shapes. */
    private static final float TOLERANCE = 1e-4f;
    private static final int ITEMS = 30;
    private static final int DIM = 8;
    private static final int MAX_LEN = 4;

    static SequenceModelBlock sasrec(NDManager m, int layers, int maxLen) {
        return sasrec(m, layers, maxLen, DIM);
    }

    static SequenceModelBlock sasrec(NDManager m, int layers, int maxLen, int dim) {
        Engine.getInstance().setRandomSeed(11);
        SequenceModelBlock block = new SequenceModelBlock(new EncoderConfig(EncoderConfig.Kind.SASREC, ITEMS, dim, maxLen,
                layers, 2, 0.3f, EncoderConfig.Positions.ROTARY));
        block.initialize(m, DataType.FLOAT32, new Shape(1, maxLen));
        return block;
    }

    /** The reference: the band-masked forward over the whole history (one padding id when empty), scored at the last position. */
    static float[] reference(SequenceModelBlock block, NDManager m, List<Integer> history) {
        try (NDManager s = m.newSubManager()) {
            long[] ids = history.isEmpty() ? new long[1] : history.stream().mapToLong(Integer::longValue).toArray();
            ParameterStore ps = new ParameterStore(s, false);
            NDArray table = block.items().table(ps, s.getDevice(), false);
            NDArray hidden = block.encodeBanded(ps, table, s.create(ids, new Shape(1, ids.length)));
            return SequenceModelBlock.scoreLast(hidden, table).toFloatArray();
        }
    }

    /** The model's ordinary forward over the last maxLen items, left-padded (what the window encoder serves). */
    private static float[] window(SequenceModelBlock block, NDManager m, List<Integer> history) {
        try (NDManager s = m.newSubManager()) {
            int l = block.config().maxLen();
            long[] ids = new long[l];
            TrainingWindows.leftPad(history.stream().mapToInt(Integer::intValue).toArray(), l, ids, 0);
            ParameterStore ps = new ParameterStore(s, false);
            NDArray table = block.items().table(ps, s.getDevice(), false);
            return SequenceModelBlock.scoreLast(block.encode(ps, table, s.create(ids, new Shape(1, l)), false), table)
                    .toFloatArray();
        }
    }

    private static List<Integer> randomHistory(Random random, int n) {
        List<Integer> h = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            h.add(1 + random.nextInt(ITEMS));
        }
        return h;
    }

    /**
     * The reference is the trained model's function: up to maxLen items it equals the ordinary
     * (left-padded, causal) forward for any number of layers, and with one layer it equals the
     * window over the last maxLen items for any length (one band, over the item vectors alone).
     */
    @Test
    void theBandForwardIsTheModelsForwardUpToMaxLenAndTheWindowForOneLayer() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random random = new Random(3);
            SequenceModelBlock two = sasrec(m, 2, MAX_LEN);
            SequenceModelBlock one = sasrec(m, 1, MAX_LEN);
            for (int n = 0; n <= MAX_LEN; n++) {
                List<Integer> h = randomHistory(random, n);
                assertArrayEquals(window(two, m, h), reference(two, m, h), TOLERANCE, "length " + n);
            }
            for (int n = MAX_LEN + 1; n < 4 * MAX_LEN; n++) {
                List<Integer> h = randomHistory(random, n);
                assertArrayEquals(window(one, m, h), reference(one, m, h), TOLERANCE, "length " + n);
            }
            List<Integer> longer = randomHistory(random, 3 * MAX_LEN);
            float[] banded = reference(two, m, longer);
            float[] windowed = window(two, m, longer);
            double gap = 0;
            for (int i = 1; i < banded.length; i++) {
                gap = Math.max(gap, Math.abs(banded[i] - windowed[i]));
            }
            assertTrue(gap > 1e-3, "two layers over more than maxLen items see further back than the window: " + gap);
        }
    }

    /**
     * A random stream of 6 users (histories up to 6·maxLen): each batch takes a random subset in
     * random order; a user with a cache folds in one new item (sometimes two), one without (new,
     * or whose cache was dropped) its whole history. Every row's scores, and its ranking on the
     * device, equal the band-masked full forward over the whole history, for one to three layers.
     */
    @Test
    void cachedRowsScoreLikeTheBandMaskedFullForwardOverRandomStreams() {
        for (int layers = 1; layers <= 3; layers++) {
            try (NDManager m = NDManager.newBaseManager()) {
                SequenceModelBlock block = sasrec(m, layers, MAX_LEN);
                SasRecStepper stepper = new SasRecStepper(block, m);
                Random random = new Random(5 + layers);
                List<String> users = List.of("a", "b", "c", "d", "e", "f");
                Map<String, List<Integer>> histories = new HashMap<>();
                Map<String, KeyValueCache> caches = new HashMap<>();
                int rowsChecked = 0;
                int mixed = 0;
                for (int step = 0; step < 45; step++) {
                    List<String> batch = new ArrayList<>(users);
                    Collections.shuffle(batch, random);
                    batch = batch.subList(0, 1 + random.nextInt(users.size()));
                    List<SasRecStepper.Row> rows = new ArrayList<>();
                    for (String u : batch) {
                        if (random.nextInt(8) == 0) {
                            caches.remove(u); // the cache is lost: this row starts over from its whole history
                        }
                        List<Integer> h = histories.computeIfAbsent(u, x -> new ArrayList<>());
                        int[] fresh = random.nextInt(6) == 0 ? new int[] {1 + random.nextInt(ITEMS), 1 + random.nextInt(ITEMS)}
                                : new int[] {1 + random.nextInt(ITEMS)};
                        for (int i : fresh) {
                            h.add(i);
                        }
                        KeyValueCache carried = caches.get(u);
                        rows.add(carried == null
                                ? new SasRecStepper.Row(null, h.stream().mapToInt(Integer::intValue).toArray())
                                : new SasRecStepper.Row(carried, fresh));
                    }
                    if (rows.stream().anyMatch(r -> r.cache() == null) && rows.stream().anyMatch(r -> r.cache() != null)) {
                        mixed++;
                    }
                    List<SasRecStepper.Row> copies = rows.stream() // a step advances the caches it is given
                            .map(r -> new SasRecStepper.Row(r.cache() == null ? null : r.cache().copy(), r.pending())).toList();
                    BlockedTopK.Candidates ranked = stepper.candidates(copies, ITEMS + 1).candidates();
                    BatchStepper.Scored<KeyValueCache> scored = stepper.scores(rows);
                    for (int r = 0; r < batch.size(); r++) {
                        String u = batch.get(r);
                        float[] expected = reference(block, m, histories.get(u));
                        assertArrayEquals(expected, scored.scores()[r], TOLERANCE, layers + " layers, user " + u + " at step " + step);
                        for (int j = 0; j < ranked.indices()[r].length; j++) {
                            assertEquals(expected[ranked.indices()[r][j]], ranked.scores()[r][j], TOLERANCE);
                        }
                        assertEquals(Math.min(MAX_LEN - 1, histories.get(u).size()), scored.states().get(r).positions());
                        assertEquals(histories.get(u).size(), scored.states().get(r).next(), "absolute position of the next item");
                        caches.put(u, scored.states().get(r));
                        rowsChecked++;
                    }
                }
                assertTrue(rowsChecked > 100, "rows checked: " + rowsChecked);
                assertTrue(mixed > 5, "batches mixing cached and uncached rows: " + mixed);
                assertTrue(histories.values().stream().anyMatch(h -> h.size() > 4 * MAX_LEN));
            }
        }
    }

    /**
     * A float16 cache (what a float16 state is read into) serves, bit for bit, what a float32 cache
     * serves that holds the same values rounded to halves after every step (what the state held
     * before caches kept their halves), and holds the same values after it; over one-item and
     * two-item steps, for heads of 4, 20 and 32 (plain Java only, one vector and a rest, two vectors
     * of 512 bits).
     */
    @ParameterizedTest
    @ValueSource(ints = {8, 40, 64})
    void aFloat16CacheServesWhatTheSameValuesRoundedServeInFloat32(int dim) {
        int maxLen = 6;
        try (NDManager m = NDManager.newBaseManager()) {
            SasRecStepper stepper = new SasRecStepper(sasrec(m, 2, maxLen, dim), m);
            Random random = new Random(dim);
            int users = 5;
            List<KeyValueCache> floats = new ArrayList<>();
            List<KeyValueCache> halves = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                floats.add(stepper.empty());
                halves.add(KeyValueCache.ofHalves(maxLen - 1, new int[0], new short[][] {{}}, new short[][] {{}}, new float[dim], 0));
            }
            for (int step = 0; step < 14; step++) {
                List<SasRecStepper.Row> floatRows = new ArrayList<>();
                List<SasRecStepper.Row> halfRows = new ArrayList<>();
                for (int u = 0; u < users; u++) {
                    int[] pending = random.nextInt(4) == 0 ? new int[] {1 + random.nextInt(ITEMS), 1 + random.nextInt(ITEMS)}
                            : new int[] {1 + random.nextInt(ITEMS)};
                    floatRows.add(new SasRecStepper.Row(floats.get(u), pending));
                    halfRows.add(new SasRecStepper.Row(halves.get(u), pending));
                }
                BatchStepper.Scored<KeyValueCache> f = stepper.scores(floatRows);
                BatchStepper.Scored<KeyValueCache> h = stepper.scores(halfRows);
                for (int u = 0; u < users; u++) {
                    assertArrayEquals(f.scores()[u], h.scores()[u], "d = " + dim + ", user " + u + " at step " + step);
                    KeyValueCache rounded = rounded(f.states().get(u));
                    assertArrayEquals(rounded.keys(0), h.states().get(u).keys(0));
                    assertArrayEquals(rounded.values(0), h.states().get(u).values(0));
                    floats.set(u, rounded);
                    halves.set(u, h.states().get(u));
                }
            }
            assertEquals(maxLen - 1, halves.get(0).positions(), "the rings wrapped");
        }
    }

    /** A float32 cache of the same positions with its keys and values rounded to halves. */
    private static KeyValueCache rounded(KeyValueCache c) {
        float[][] keys = new float[c.cachedLayers()][];
        float[][] values = new float[c.cachedLayers()][];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = c.keys(l);
            values[l] = c.values(l);
            for (int i = 0; i < keys[l].length; i++) {
                keys[l][i] = Half.toFloat(Half.toHalf(keys[l][i]));
                values[l][i] = Half.toFloat(Half.toHalf(values[l][i]));
            }
        }
        return new KeyValueCache(c.slots(), c.items(), keys, values, c.top(), c.next());
    }

    /**
     * One row per user folding several items at once (a user's events of one batch), ranked after
     * each of them and before them: every position ranks as the reference over the history up to
     * it, for a cached row (the band crossing the cache) and a fresh one, and the cache goes on.
     */
    @Test
    void aRowOfSeveralItemsRanksAfterEachOfThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock block = sasrec(m, 2, MAX_LEN);
            SasRecStepper stepper = new SasRecStepper(block, m);
            List<Integer> history = new ArrayList<>(List.of(3, 9, 4, 17, 2));
            KeyValueCache cache = stepper.scores(List.of(new SasRecStepper.Row(null,
                    history.stream().mapToInt(Integer::intValue).toArray()))).states().get(0);
            int[] more = {5, 21, 8};
            BatchStepper.Ranked<KeyValueCache> ranked = stepper.candidatesAt(
                    List.of(new SasRecStepper.Row(cache, more), new SasRecStepper.Row(null, new int[] {6, 7})),
                    new int[][] {{BatchStepper.BEFORE, 0, 1, 2}, {0, 1}}, ITEMS + 1);
            List<List<Integer>> prefixes = new ArrayList<>();
            prefixes.add(List.copyOf(history));
            for (int item : more) {
                history.add(item);
                prefixes.add(List.copyOf(history));
            }
            prefixes.add(List.of(6));
            prefixes.add(List.of(6, 7));
            for (int c = 0; c < prefixes.size(); c++) {
                float[] expected = reference(block, m, prefixes.get(c));
                int[] indices = ranked.candidates().indices()[c];
                for (int j = 0; j < indices.length; j++) {
                    assertEquals(expected[indices[j]], ranked.candidates().scores()[c][j], TOLERANCE, "candidate row " + c);
                }
            }
            KeyValueCache after = ranked.states().get(0);
            assertEquals(8, after.next());
            assertArrayEquals(reference(block, m, List.of(3, 9, 4, 17, 2, 5, 21, 8, 11)),
                    stepper.scores(List.of(new SasRecStepper.Row(after, new int[] {11}))).scores()[0], TOLERANCE);
        }
    }

    /**
     * A row's new cache is the same bit for bit whether its call holds it alone or beside 1 to 69
     * other rows (with and without caches, longer than its own or not), for one item and for two,
     * at d = 8 and d = 48: caches are rounded when stored, and
     * a last bit that depended on the batch could flip a rounding that every later event of the
     * user then sees (the job batches a replay after a restore otherwise than the first time).
     */
    @Test
    void aRowsCacheDoesNotDependOnTheRowsBesideIt() {
        for (int dim : new int[] {8, 48}) {
            try (NDManager m = NDManager.newBaseManager()) {
                SequenceModelBlock block = sasrec(m, 3, MAX_LEN, dim);
                SasRecStepper stepper = new SasRecStepper(block, m);
                Random random = new Random(dim);
                for (int[] history : new int[][] {{3, 9, 4, 17, 2}, {3}}) { // a full cache, and one shorter than others'
                    KeyValueCache start = stepper.scores(List.of(new SasRecStepper.Row(null, history))).states().get(0);
                    for (int[] fold : new int[][] {{5}, {5, 21}}) {
                        KeyValueCache alone = stepper.scores(List.of(new SasRecStepper.Row(start.copy(), fold))).states().get(0);
                        for (int others : new int[] {1, 2, 5, 69}) {
                            List<SasRecStepper.Row> rows = new ArrayList<>();
                            for (int o = 0; o < others; o++) {
                                int[] h = randomHistory(random, 1 + random.nextInt(3)).stream().mapToInt(Integer::intValue).toArray();
                                KeyValueCache cached = o % 2 == 0 ? null : stepper.scores(List.of(new SasRecStepper.Row(null,
                                        randomHistory(random, 2 + random.nextInt(5)).stream().mapToInt(Integer::intValue).toArray())))
                                        .states().get(0);
                                rows.add(new SasRecStepper.Row(cached, fold.length == 1 ? h : new int[] {h[0], 1 + o % ITEMS}));
                            }
                            int at = random.nextInt(rows.size() + 1);
                            rows.add(at, new SasRecStepper.Row(start.copy(), fold));
                            KeyValueCache beside = stepper.scores(rows).states().get(at);
                            String where = "d = " + dim + ", " + history.length + " items cached, " + fold.length + " folded, "
                                    + others + " other rows";
                            for (int l = 0; l < alone.cachedLayers(); l++) {
                                assertArrayEquals(alone.keys(l), beside.keys(l), where + ": keys of layer " + (l + 1));
                                assertArrayEquals(alone.values(l), beside.values(l), where + ": values of layer " + (l + 1));
                            }
                            assertArrayEquals(alone.top(), beside.top(), where + ": top state");
                        }
                    }
                }
            }
        }
    }

    @Test
    void aRowWithoutItemsKeepsItsCacheAndTheEmptyCacheScoresLikeAnEmptyHistory() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock block = sasrec(m, 2, MAX_LEN);
            SasRecStepper stepper = new SasRecStepper(block, m);
            KeyValueCache carried = stepper.scores(List.of(new SasRecStepper.Row(null, new int[] {3, 4}))).states().get(0);
            BatchStepper.Scored<KeyValueCache> scored = stepper.scores(List.of(
                    new SasRecStepper.Row(null, new int[0]), new SasRecStepper.Row(carried, new int[0])));
            assertArrayEquals(reference(block, m, List.of()), scored.scores()[0], TOLERANCE);
            assertEquals(0, scored.states().get(0).positions());
            assertEquals(carried, scored.states().get(1));
            assertArrayEquals(reference(block, m, List.of(3, 4)), scored.scores()[1], TOLERANCE);
        }
    }

    @Test
    void refusesLearnedPositionsAGruAndACacheOfAnotherShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (EncoderConfig config : List.of(
                    new EncoderConfig(EncoderConfig.Kind.SASREC, ITEMS, DIM, MAX_LEN, 1, 1, 0f),
                    new EncoderConfig(EncoderConfig.Kind.GRU4REC, ITEMS, DIM, MAX_LEN, 1, 1, 0f))) {
                SequenceModelBlock other = new SequenceModelBlock(config);
                other.initialize(m, DataType.FLOAT32, new Shape(1, MAX_LEN));
                assertThrows(IllegalArgumentException.class, () -> new SasRecStepper(other, m));
            }
            SasRecStepper stepper = new SasRecStepper(sasrec(m, 2, MAX_LEN), m);
            assertThrows(IllegalArgumentException.class, () -> new KeyValueCache(MAX_LEN - 1, new int[] {1},
                    new float[][] {new float[DIM]}, new float[][] {new float[DIM - 1]}, new float[DIM], 1));
            for (KeyValueCache wrong : List.of(
                    new KeyValueCache(MAX_LEN, new int[] {1}, new float[][] {new float[DIM]}, new float[][] {new float[DIM]},
                            new float[DIM], 1), // another window
                    new KeyValueCache(MAX_LEN - 1, new int[] {1}, new float[][] {new float[DIM], new float[DIM]},
                            new float[][] {new float[DIM], new float[DIM]}, new float[DIM], 1))) { // another layer count
                assertThrows(IllegalArgumentException.class, () -> stepper.scores(List.of(new SasRecStepper.Row(wrong, new int[] {2}))));
            }
        }
    }
}
