package dev.streamrec.model.kdsr;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.Gru4RecStepper;
import dev.streamrec.model.backbone.SasRecStepper;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.UserStateful;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * (the stream writes states back after a batch). Only the first could use it: the later ones would
 * be out of step and start over from their window. So {@link #answer} runs the batch in waves, the
 * i-th event of every user in wave i, each later event carrying the state answered to its user's
 * previous one: every event folds in only itself, whatever the batch holds.
 *
 * @param <R> the backbone's row
 */
public final class IncrementalSequenceRecommender<R> implements UserStateful {

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
        return Answer.itemsOf(step(stateless));
    }

    /**
     * The batch in waves (one when every user has one event in it): the i-th event of each user in
     * wave i, carrying the state answered to the user's event in wave i-1 instead of the one it
     * came with.
     */
    @Override
    public List<Answer> answer(List<RecommendRequest> batch) {
        Map<String, Integer> seen = new HashMap<>();
        int[] wave = new int[batch.size()];
        int waves = 0;
        for (int r = 0; r < batch.size(); r++) {
            wave[r] = seen.merge(batch.get(r).userId(), 1, Integer::sum) - 1;
            waves = Math.max(waves, wave[r] + 1);
        }
        if (waves <= 1) {
            return step(batch);
        }
        Answer[] answers = new Answer[batch.size()];
        Map<String, byte[]> latest = new HashMap<>();
        for (int w = 0; w < waves; w++) {
            List<Integer> members = new ArrayList<>();
            List<RecommendRequest> requests = new ArrayList<>();
            for (int r = 0; r < batch.size(); r++) {
                if (wave[r] == w) {
                    RecommendRequest req = batch.get(r);
                    members.add(r);
                    requests.add(w == 0 ? req : req.withUserState(latest.get(req.userId())));
                }
            }
            List<Answer> stepped = step(requests);
            for (int j = 0; j < members.size(); j++) {
                answers[members.get(j)] = stepped.get(j);
                latest.put(requests.get(j).userId(), stepped.get(j).userState());
            }
        }
        return List.of(answers);
    }

    /** One batched step: rows with a usable state fold in the event, the others their history. */
    private List<Answer> step(List<RecommendRequest> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int[][] known = new int[batch.size()][];
        List<R> rows = new ArrayList<>(batch.size());
        int depth = 1; // the padding row may rank among the candidates
        for (int r = 0; r < batch.size(); r++) {
            RecommendRequest req = batch.get(r);
            known[r] = TopKRecommender.indices(items, req.history());
            List<String> history = req.history();
            boolean newestKnown = !history.isEmpty() && items.indexOf(history.get(history.size() - 1)) > 0;
            R row = backbone.carried(req.userState(), known[r], newestKnown);
            rows.add(row != null ? row : backbone.fresh(known[r]));
            depth = Math.max(depth, 1 + req.k() + (req.excludeHistory() ? known[r].length : 0));
        }
        IncrementalBackbone.Stepped stepped = backbone.step(rows, known, depth);
        List<Answer> answers = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            RecommendRequest req = batch.get(r);
            answers.add(new Answer(
                    stepped.candidates().top(r, req.k(), req.excludeHistory() ? known[r] : new int[0], items::idAt),
                    stepped.states()[r]));
        }
        return answers;
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
