package dev.streamrec.model.kdsr;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.backbone.BatchStepper;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.Gru4RecStepper;
import dev.streamrec.model.backbone.SasRecStepper;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.UserStateful;
import dev.streamrec.model.train.BatchScorer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sequence model served with incremental inference: each user's state (a GRU4Rec hidden state or
 * a SASRec key/value cache, {@link IncrementalBackbone}) is kept by the stream through the per-user
 * state contract ({@link UserStateful}), and an event folds only itself into it, so the answer is
 * that of the user's whole history, not of the last L events as {@link TopKRecommender} serves the
 * same artifact. A request without a usable state (none, one of another artifact, one that does
 * not end where the request's history ends before its event) starts over from the history the
 * request carries: the same function over what is known, exact whenever the request carries the
 * whole history, and a state to go on from. {@link #recommend} (no states) answers every request
 * that way. Rows with and without a state share one batched step.
 *
 * <p>A batch may hold several events of one user, each carrying the state stored before the batch
 * (the stream writes states back after a batch), and on a stream replayed in time order a batch of
 * 64 often holds the events of only a couple of users. {@link #answer} therefore folds a user's
 * consecutive events of the batch into one row, the first starting from the stored state and each
 * next one adding its item, and ranks the catalogue after each of them: one batched step, every
 * event answered from the user's whole history. An event that does not continue the one before it
 * (its history does not end where that one's did) goes to another step after this one, from the
 * state this one answered. Every answer of a user carries the state after the user's last event of
 * the step, which is what the stream stores.
 *
 * @param <R> the backbone's row
 */
public final class IncrementalSequenceRecommender<R extends BatchStepper.Pending> implements UserStateful {

    private final String name;
    private final String version;
    private final ItemIndex items;
    private final IncrementalBackbone<R> backbone;
    private final AutoCloseable resources;

    public IncrementalSequenceRecommender(String name, String version, ItemIndex items, IncrementalBackbone<R> backbone,
            AutoCloseable resources) {
        this.name = name;
        this.version = version;
        this.items = items;
        this.backbone = backbone;
        this.resources = resources;
    }

    /**
     * Loads a GRU4Rec (or KDSR-GRU4Rec) artifact, carrying hidden states, or a SASRec (or
     * KDSR-SASRec) artifact with rotary positions, carrying key/value caches stored in
     * {@code encoding}; refuses any other (a learned-position SASRec's position embeddings change
     * with every event). Stored states are tagged with the artifact's sha256, so those of any
     * other artifact are refused.
     */
    public static IncrementalSequenceRecommender<?> load(ModelArtifact artifact, Device device, CacheEncoding encoding)
            throws ArtifactException {
        KdsrArtifacts.LoadedSequenceModel loaded = KdsrArtifacts.loadSequenceModel(artifact, device);
        EncoderConfig config = loaded.block().config();
        NDManager manager = loaded.model().getNDManager();
        if (config.kind() == EncoderConfig.Kind.GRU4REC) {
            return new IncrementalSequenceRecommender<>(artifact.model(), artifact.version(), artifact.items(),
                    new Gru4RecIncrementalBackbone(artifact.sha256(), new Gru4RecStepper(loaded.block(), manager)), loaded);
        }
        if (config.kind() == EncoderConfig.Kind.SASREC && config.positions() == EncoderConfig.Positions.ROTARY) {
            return new IncrementalSequenceRecommender<>(artifact.model(), artifact.version(), artifact.items(),
                    new SasRecIncrementalBackbone(artifact.sha256(), new SasRecStepper(loaded.block(), manager), encoding),
                    loaded);
        }
        loaded.close();
        throw new ArtifactException("artifact " + artifact.dir() + ": incremental inference needs a GRU4Rec backbone or "
                + "a SASRec one with rotary positions (train --positions rotary), not " + config.kind().id() + " with "
                + config.positions().id() + " positions");
    }

    /**
     * Scores whole histories as this recommender answers them (each from no state, every item
     * folded in), for offline evaluation of what incremental inference serves: for GRU4Rec the
     * recurrence over the whole history, for SASRec the attention over a band of L at every layer.
     */
    public BatchScorer wholeHistoryScorer() {
        return histories -> {
            List<R> rows = new ArrayList<>(histories.length);
            for (int[] h : histories) {
                rows.add(backbone.fresh(h));
            }
            return backbone.scores(rows);
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    /** Yes: the backbone's steps are independent, and the rest only reads the item index. */
    @Override
    public boolean recommendsConcurrently() {
        return true;
    }

    @Override
    public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
        List<RecommendRequest> stateless = new ArrayList<>(batch.size());
        for (RecommendRequest r : batch) {
            stateless.add(r.withUserState(null));
        }
        Answer[] answers = new Answer[batch.size()];
        List<Integer> all = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            all.add(r);
        }
        step(stateless, all, null, answers, false);
        return Answer.itemsOf(List.of(answers));
    }

    /** Steps until every event is answered: each step folds a chain of consecutive events per user. */
    @Override
    public List<Answer> answer(List<RecommendRequest> batch) {
        Answer[] answers = new Answer[batch.size()];
        List<Integer> left = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            left.add(r);
        }
        Map<String, byte[]> answered = new HashMap<>();
        while (!left.isEmpty()) {
            left = step(batch, left, answered, answers, true);
        }
        return List.of(answers);
    }

    /** A user's events of one step: the row, its known history so far, and each event with the position it is answered at. */
    private final class Chain {
        R row;
        int[] known;
        final List<Integer> events = new ArrayList<>();
        final List<Integer> positions = new ArrayList<>();

        Chain(R row, int[] known, int event) {
            this.row = row;
            this.known = known;
            answerAt(event);
        }

        int pending() {
            return row.pending().length;
        }

        void answerAt(int event) {
            events.add(event);
            positions.add(pending() - 1); // BEFORE (-1) when nothing is pending yet
        }
    }

    /**
     * One batched step over the events {@code todo} of the batch, in order. With {@code chain}, a
     * user's first event starts a row (from the state an earlier step answered to the user, kept in
     * {@code answered}, else the one it carries) and each next event that continues it adds its
     * item to that row; an event that does not, and every later event of that user, is returned for
     * another step. Without, every event is its own row. Fills {@code answers} for the events it
     * ran and, with {@code chain}, {@code answered} with each user's new state.
     */
    private List<Integer> step(List<RecommendRequest> batch, List<Integer> todo, Map<String, byte[]> answered,
            Answer[] answers, boolean chain) {
        Map<Object, Chain> chains = new LinkedHashMap<>();
        Set<String> waiting = new HashSet<>();
        List<Integer> later = new ArrayList<>();
        int[][] known = new int[batch.size()][];
        int depth = 1; // the padding row may rank among the candidates
        for (int r : todo) {
            RecommendRequest req = batch.get(r);
            String user = req.userId();
            if (chain && waiting.contains(user)) {
                later.add(r);
                continue;
            }
            known[r] = TopKRecommender.indices(items, req.history());
            List<String> history = req.history();
            boolean newestKnown = !history.isEmpty() && items.indexOf(history.get(history.size() - 1)) > 0;
            Chain c = chain ? chains.get(user) : null;
            if (c == null) {
                byte[] stored = chain && answered.containsKey(user) ? answered.get(user) : req.userState();
                R row = backbone.carried(stored, known[r], newestKnown);
                chains.put(chain ? user : Integer.valueOf(r), new Chain(row != null ? row : backbone.fresh(known[r]), known[r], r));
            } else if (KnownHistory.continues(c.known, known[r], newestKnown)) {
                if (newestKnown) {
                    c.row = backbone.extended(c.row, known[r][known[r].length - 1]);
                }
                c.known = known[r];
                c.answerAt(r);
            } else {
                waiting.add(user);
                later.add(r);
                continue;
            }
            depth = Math.max(depth, 1 + req.k() + (req.excludeHistory() ? known[r].length : 0));
        }
        List<Chain> rows = new ArrayList<>(chains.values());
        List<R> stepRows = new ArrayList<>(rows.size());
        int[][] lastKnown = new int[rows.size()][];
        int[][] positions = new int[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            Chain c = rows.get(i);
            stepRows.add(c.row);
            lastKnown[i] = c.known;
            positions[i] = c.positions.stream().mapToInt(Integer::intValue).toArray();
        }
        IncrementalBackbone.Stepped stepped = backbone.step(stepRows, lastKnown, positions, depth);
        int at = 0;
        for (int i = 0; i < rows.size(); i++) {
            for (int r : rows.get(i).events) {
                RecommendRequest req = batch.get(r);
                answers[r] = new Answer(
                        stepped.candidates().top(at++, req.k(), req.excludeHistory() ? known[r] : new int[0], items::idAt),
                        stepped.states()[i]);
                if (chain) {
                    answered.put(req.userId(), stepped.states()[i]);
                }
            }
        }
        return later;
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release " + name, e);
        }
    }
}
