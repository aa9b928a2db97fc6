package dev.streamrec.model.kdsr;

import ai.djl.Device;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.Gru4RecStepper;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.UserStateful;

import java.util.ArrayList;
import java.util.List;

/**
 * A GRU4Rec artifact served with incremental inference: each user's GRU state
 * ({@link Gru4RecUserState}) is kept by the stream through the per-user state contract
 * ({@link UserStateful}), and an event runs one recurrent step from it ({@link Gru4RecStepper}),
 * so its cost does not grow with the history. The scores are those of the GRU run over the
 * user's whole history from the padding state, not over the last L events as
 * {@link TopKRecommender} serves the same artifact. A request without a usable state (none, one of
 * another artifact, one that does not end where the request's history ends before its event)
 * starts over from the padding state with the history the request carries: the same function
 * over what is known, exact whenever the request carries the whole history, and a state to go on
 * from. {@link #recommend} (no states) answers every request that way.
 */
public final class IncrementalGru4RecRecommender implements UserStateful {

    private final String name;
    private final String version;
    private final String tag;
    private final ItemIndex items;
    private final Gru4RecStepper stepper;
    private final AutoCloseable resources;

    /**
     * @param tag what stored states must carry to be reused: the artifact's sha256, so a state of
     *     any other artifact is refused
     */
    public IncrementalGru4RecRecommender(String name, String version, String tag, ItemIndex items,
            Gru4RecStepper stepper, AutoCloseable resources) {
        this.name = name;
        this.version = version;
        this.tag = tag;
        this.items = items;
        this.stepper = stepper;
        this.resources = resources;
    }

    /** Loads a GRU4Rec (or KDSR-GRU4Rec) artifact on a device. */
    public static IncrementalGru4RecRecommender load(ModelArtifact artifact, Device device) throws ArtifactException {
        KdsrArtifacts.LoadedSequenceModel loaded = KdsrArtifacts.loadSequenceModel(artifact, device);
        if (loaded.block().config().kind() != EncoderConfig.Kind.GRU4REC) {
            loaded.close();
            throw new ArtifactException("artifact " + artifact.dir() + ": incremental inference needs a GRU4Rec backbone, not "
                    + loaded.block().config().kind().id());
        }
        return new IncrementalGru4RecRecommender(artifact.model(), artifact.version(), artifact.sha256(), artifact.items(),
                new Gru4RecStepper(loaded.block(), loaded.model().getNDManager()), loaded);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return version;
    }

    /** Yes: the stepper's calls are independent, and the rest only reads the item index. */
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
        return Answer.itemsOf(answer(stateless));
    }

    /** One batched step: rows with a usable state fold in the event, the others their history. */
    @Override
    public List<Answer> answer(List<RecommendRequest> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int[][] known = new int[batch.size()][];
        List<Gru4RecStepper.Row> rows = new ArrayList<>(batch.size());
        int depth = 1; // the padding row may rank among the candidates
        for (int r = 0; r < batch.size(); r++) {
            RecommendRequest req = batch.get(r);
            known[r] = TopKRecommender.indices(items, req.history());
            List<String> history = req.history();
            boolean newestKnown = !history.isEmpty() && items.indexOf(history.get(history.size() - 1)) > 0;
            Gru4RecUserState carried = Gru4RecUserState.decode(req.userState(), tag, stepper.stateSize());
            Gru4RecStepper.Row row = carried == null ? null : carried.rowFor(known[r], newestKnown);
            rows.add(row != null ? row : Gru4RecUserState.fresh(known[r]));
            depth = Math.max(depth, 1 + req.k() + (req.excludeHistory() ? known[r].length : 0));
        }
        Gru4RecStepper.Ranked ranked = stepper.candidates(rows, depth);
        List<Answer> answers = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            RecommendRequest req = batch.get(r);
            int last = known[r].length > 0 ? known[r][known[r].length - 1] : 0;
            answers.add(new Answer(
                    ranked.candidates().top(r, req.k(), req.excludeHistory() ? known[r] : new int[0], items::idAt),
                    new Gru4RecUserState(tag, last, ranked.states()[r]).encode()));
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
