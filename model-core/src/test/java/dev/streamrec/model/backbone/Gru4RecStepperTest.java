package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

class Gru4RecStepperTest {

    /** Scores are dot products of d = 8 unit-scale vectors; the recurrence split at other points rounds differently. */
    private static final float TOLERANCE = 1e-5f;
    private static final int ITEMS = 30;
    private static final int DIM = 8;
    private static final int MAX_LEN = 5;

    private static SequenceModelBlock gru4rec(NDManager m) {
        Engine.getInstance().setRandomSeed(11);
        SequenceModelBlock block = new SequenceModelBlock(
                new EncoderConfig(EncoderConfig.Kind.GRU4REC, ITEMS, DIM, MAX_LEN, 2, 1, 0.3f));
        block.initialize(m, DataType.FLOAT32, new Shape(1, MAX_LEN));
        return block;
    }

    /** The full re-encoding: the encoder over [maxLen padding ids, then the whole history], scored at the last position. */
    private static float[] fullReEncoding(SequenceModelBlock block, NDManager m, List<Integer> history) {
        try (NDManager s = m.newSubManager()) {
            long[] ids = new long[MAX_LEN + history.size()];
            for (int i = 0; i < history.size(); i++) {
                ids[MAX_LEN + i] = history.get(i);
            }
            ParameterStore ps = new ParameterStore(s, false);
            NDArray table = block.items().table(ps, s.getDevice(), false);
            NDArray hidden = block.encode(ps, table, s.create(ids, new Shape(1, ids.length)), false);
            return SequenceModelBlock.scoreLast(hidden, table).toFloatArray();
        }
    }

    /**
     * A random stream of 6 users (histories up to 4·maxLen long): each batch takes a random subset
     * of them in random order, each with a new item; a user with a carried state folds in that item
     * alone, one without (new, or whose state was dropped: it left and came back) its whole history.
     * Every row's scores equal the full re-encoding's, and so does the ranking on the device.
     */
    @Test
    void carriedStatesScoreLikeTheFullReEncodingOverRandomStreams() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock block = gru4rec(m);
            Gru4RecStepper stepper = new Gru4RecStepper(block, m);
            Random random = new Random(5);
            List<String> users = List.of("a", "b", "c", "d", "e", "f");
            Map<String, List<Integer>> histories = new HashMap<>();
            Map<String, float[]> states = new HashMap<>();
            int rowsChecked = 0;
            for (int step = 0; step < 40; step++) {
                List<String> batch = new ArrayList<>(users);
                Collections.shuffle(batch, random);
                batch = batch.subList(0, 1 + random.nextInt(users.size()));
                List<Gru4RecStepper.Row> rows = new ArrayList<>();
                for (String u : batch) {
                    if (random.nextInt(8) == 0) {
                        states.remove(u); // the state is lost: this row starts over from its whole history
                    }
                    List<Integer> h = histories.computeIfAbsent(u, x -> new ArrayList<>());
                    int item = 1 + random.nextInt(ITEMS);
                    h.add(item);
                    float[] carried = states.get(u);
                    rows.add(carried == null
                            ? new Gru4RecStepper.Row(null, h.stream().mapToInt(Integer::intValue).toArray())
                            : new Gru4RecStepper.Row(carried, new int[] {item}));
                }
                BatchStepper.Scored<float[]> scored = stepper.scores(rows);
                BlockedTopK.Candidates ranked = stepper.candidates(rows, ITEMS + 1).candidates();
                for (int r = 0; r < batch.size(); r++) {
                    String u = batch.get(r);
                    float[] expected = fullReEncoding(block, m, histories.get(u));
                    assertArrayEquals(expected, scored.scores()[r], TOLERANCE, "user " + u + " at step " + step);
                    for (int j = 0; j < ranked.indices()[r].length; j++) {
                        assertEquals(expected[ranked.indices()[r][j]], ranked.scores()[r][j], TOLERANCE);
                    }
                    states.put(u, scored.states().get(r));
                    rowsChecked++;
                }
            }
            assertEquals(true, rowsChecked > 100, "rows checked: " + rowsChecked);
            assertEquals(true, histories.values().stream().anyMatch(h -> h.size() > 4 * MAX_LEN / 2));
        }
    }

    /** A row folding several items at once ranks after each of them (and before them) as the full re-encoding of each prefix. */
    @Test
    void aRowOfSeveralItemsRanksAfterEachOfThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock block = gru4rec(m);
            Gru4RecStepper stepper = new Gru4RecStepper(block, m);
            float[] state = stepper.scores(List.of(new Gru4RecStepper.Row(null, new int[] {3, 9, 4}))).states().get(0);
            BatchStepper.Ranked<float[]> ranked = stepper.candidatesAt(List.of(new Gru4RecStepper.Row(state, new int[] {5, 21})),
                    new int[][] {{BatchStepper.BEFORE, 0, 1}}, ITEMS + 1);
            List<List<Integer>> prefixes = List.of(List.of(3, 9, 4), List.of(3, 9, 4, 5), List.of(3, 9, 4, 5, 21));
            for (int c = 0; c < prefixes.size(); c++) {
                float[] expected = fullReEncoding(block, m, prefixes.get(c));
                int[] indices = ranked.candidates().indices()[c];
                for (int j = 0; j < indices.length; j++) {
                    assertEquals(expected[indices[j]], ranked.candidates().scores()[c][j], TOLERANCE, "candidate row " + c);
                }
            }
        }
    }

    @Test
    void thePaddingStateScoresLikeAnEmptyWindowAndARowWithoutItemsKeepsItsState() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock block = gru4rec(m);
            Gru4RecStepper stepper = new Gru4RecStepper(block, m);
            float[] carried = stepper.scores(List.of(new Gru4RecStepper.Row(null, new int[] {3, 4}))).states().get(0);
            BatchStepper.Scored<float[]> scored = stepper.scores(List.of(
                    new Gru4RecStepper.Row(null, new int[0]), new Gru4RecStepper.Row(carried, new int[0])));
            assertArrayEquals(fullReEncoding(block, m, List.of()), scored.scores()[0], TOLERANCE);
            assertArrayEquals(stepper.paddingState(), scored.states().get(0));
            assertArrayEquals(carried, scored.states().get(1));
            assertArrayEquals(fullReEncoding(block, m, List.of(3, 4)), scored.scores()[1], TOLERANCE);
        }
    }

    @Test
    void refusesASasRecBlockAndAStateOfAnotherSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock sasrec = new SequenceModelBlock(
                    new EncoderConfig(EncoderConfig.Kind.SASREC, ITEMS, DIM, MAX_LEN, 1, 1, 0f));
            sasrec.initialize(m, DataType.FLOAT32, new Shape(1, MAX_LEN));
            assertThrows(IllegalArgumentException.class, () -> new Gru4RecStepper(sasrec, m));
            Gru4RecStepper stepper = new Gru4RecStepper(gru4rec(m), m);
            assertThrows(IllegalArgumentException.class,
                    () -> stepper.scores(List.of(new Gru4RecStepper.Row(new float[DIM], new int[] {1}))));
        }
    }
}
