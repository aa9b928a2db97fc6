package dev.streamrec.model.missrec;

import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.AcceptsItemFeatures;
import dev.streamrec.model.serving.BlockedTopK;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.UserStateful;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MISSRec behind the stream's {@link Recommender} contract: a batch of histories is scored against
 * the whole catalogue in one forward pass. {@link #upsertItem} adds or replaces an item's features;
 * the item is recommendable at once from its content (inductive: fully; transductive: its ID view
 * scores 0 until the next fine-tune, its k-means interests are its nearest centroids). With DPC-KNN
 * interests it keeps per-user state in the stream ({@link WithUserState}): each user's
 * {@link InterestWorkingSet}, advanced per event instead of recomputed from the whole history.
 * {@link #of} gives the one that fits the model's interest method.
 */
public sealed class MissRecRecommender implements AcceptsItemFeatures permits MissRecRecommender.WithUserState {

    private final MissRecModel model;
    private final ItemIndex items;
    private final String version;
    /** Bumped when an existing item's features change: working sets of older generations are not reused. */
    private long featureGeneration;
    private ItemTokenTable tokens; // built lazily, dropped when the catalogue changes

    private MissRecRecommender(MissRecModel model, ItemIndex items, String version) {
        this.model = model;
        // its own copy: new items join this recommender's catalogue, not the artifact's (which the
        // next recommender loaded from the same artifact would otherwise start with)
        this.items = ItemIndex.of(items.ids());
        this.version = version;
    }

    /** The recommender for a model: {@link WithUserState} with DPC-KNN interests, else a plain one. */
    public static MissRecRecommender of(MissRecModel model, ItemIndex items, String version) {
        return model.config().interest() == MissRecConfig.InterestMethod.DPC_KNN
                ? new WithUserState(model, items, version)
                : new MissRecRecommender(model, items, version);
    }

    /** With DPC-KNN interests: the user's clustering working set is kept by the stream between events. */
    public static final class WithUserState extends MissRecRecommender implements UserStateful {

        private WithUserState(MissRecModel model, ItemIndex items, String version) {
            super(model, items, version);
        }

        /**
         * Scores the batch in one forward pass; the requests' stored {@link InterestWorkingSet}s are
         * advanced by the newest items (old distances reused) and fed to DPC-KNN, and the advanced sets,
         * with the assignment this pass made, come back to be stored.
         */
        @Override
        public List<Answer> answer(List<RecommendRequest> batch) {
            return score(batch, true);
        }
    }

    @Override
    public String name() {
        return MissRecArtifacts.MODEL;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
        return Answer.itemsOf(score(batch, false));
    }

    /** Scores the batch in one forward pass, with the users' working sets when {@code withState}. */
    final List<Answer> score(List<RecommendRequest> batch, boolean withState) {
        return score(batch, withState, ServingLaps.NONE);
    }

    /** As {@link #score(List, boolean)}, each stage's time charged to {@code laps}. */
    final List<Answer> score(List<RecommendRequest> batch, boolean withState, ServingLaps laps) {
        laps.start();
        List<Answer> answers = new ArrayList<>(batch.size());
        List<int[]> histories = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < batch.size(); r++) {
            int[] h = batch.get(r).history().stream().mapToInt(items::indexOf).filter(i -> i > 0).toArray();
            answers.add(new Answer(List.of(), batch.get(r).userState()));
            if (h.length > 0) {
                histories.add(h);
                rows.add(r);
            }
        }
        if (histories.isEmpty()) {
            return answers;
        }
        SequenceBatch sequences = SequenceBatch.of(histories.toArray(int[][]::new), model.config().maxLen());
        laps.lap("histories to indexes (Java)");
        InterestWorkingSet[] sets = withState ? advance(batch, rows, sequences) : null;
        laps.lap("working sets decoded and advanced (Java)");
        int depth = 1; // the padding column may rank among the candidates
        for (int j = 0; j < rows.size(); j++) {
            RecommendRequest req = batch.get(rows.get(j));
            depth = Math.max(depth, req.k() + 1 + (req.excludeHistory() ? histories.get(j).length : 0));
        }
        float[] distances = sets == null ? null : distances(sets, sequences.width());
        laps.lap("token distances laid out (Java)");
        MissRecModel.Scores scores = model.score(sequences, distances, depth, BlockedTopK.rowsPerBlock(sequences.size()), laps);
        int side = model.config().numModalities() * sequences.width();
        byte[][] states = new byte[rows.size()][];
        if (sets != null) {
            perRow(rows.size(), j -> states[j] =
                    sets[j].withForwardAssignment(scores.assignment(), j * side, sequences.width()).encode());
        }
        laps.lap("working sets encoded (Java)");
        for (int j = 0; j < rows.size(); j++) {
            RecommendRequest req = batch.get(rows.get(j));
            List<ScoredItem> top = scores.candidates().top(j, req.k(),
                    req.excludeHistory() ? histories.get(j) : new int[0], items::idAt);
            answers.set(rows.get(j), new Answer(top, states[j]));
        }
        laps.lap("top-K read out (Java)");
        return answers;
    }

    /** Each scored row's working set: its stored one advanced to the row's window. */
    private InterestWorkingSet[] advance(List<RecommendRequest> batch, List<Integer> rows, SequenceBatch sequences) {
        String tag = version + "/" + featureGeneration;
        if (tokens == null) {
            tokens = model.tokenTable();
        }
        InterestWorkingSet[] sets = new InterestWorkingSet[rows.size()];
        ItemTokenTable table = tokens;
        perRow(rows.size(), j -> sets[j] = InterestWorkingSet.advance(
                InterestWorkingSet.decode(batch.get(rows.get(j)).userState()), tag, sequences.rows()[j], table));
        return sets;
    }

    private float[] distances(InterestWorkingSet[] sets, int width) {
        int side = model.config().numModalities() * width;
        float[] d = new float[sets.length * side * side];
        perRow(sets.length, j -> sets[j].fillForwardOrder(d, j * side * side, width));
        return d;
    }

    /**
     * Runs the per-user Java work of a batch (working sets decoded, advanced, laid out and encoded)
     * on the common fork-join pool: each row is independent and writes only its own slot, so the
     * result does not depend on how rows are split, and libtorch's threads are not left waiting
     * for one Java thread.
     */
    private static void perRow(int rows, java.util.function.IntConsumer work) {
        java.util.stream.IntStream.range(0, rows).parallel().forEach(work);
    }

    /** The token table the working sets are computed from. */
    ItemTokenTable tokenTable() {
        return tokens != null ? tokens : model.tokenTable();
    }

    @Override
    public void upsertItem(String itemId, String text, Map<String, float[]> modalities) {
        MissRecConfig c = model.config();
        List<float[]> rows = new ArrayList<>();
        for (int mod = 0; mod < c.numModalities(); mod++) {
            float[] v = modalities.get(c.modalities().get(mod));
            int dim = c.modalityDims().get(mod);
            if (v != null && v.length != dim) {
                throw new IllegalArgumentException("modality " + c.modalities().get(mod) + " of item " + itemId
                        + " has dimension " + v.length + ", expected " + dim);
            }
            rows.add(v == null ? new float[dim] : v.clone());
        }
        int existing = items.indexOf(itemId);
        tokens = null;
        if (existing > 0) {
            model.replaceItem(existing, rows);
            featureGeneration++; // stored working sets may hold this item's old distances
        } else {
            int added = model.addItem(rows);
            int indexed = items.add(itemId);
            if (added != indexed) {
                throw new IllegalStateException("item index and feature table disagree: " + indexed + " vs " + added);
            }
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
