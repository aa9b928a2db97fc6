package dev.streamrec.model.kdsr;

import ai.djl.Device;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.SasRecStepper;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.UserStateful;

import java.util.ArrayList;
import java.util.List;

/**
 * A SASRec artifact with rotary positions served with a key/value cache: each user's cache
 * ({@link SasRecUserState}) is kept by the stream through the per-user state contract
 * ({@link UserStateful}), and an event computes only the new position's queries, keys and values
 * and its attention over the cache ({@link SasRecStepper}), so its cost does not grow with the
 * history beyond the attention over L-1 cached positions. The scores are those of SASRec over the
 * user's whole history with each layer's attention over a band of L positions (up to L items, the
 * model's ordinary forward), not over the last L events as {@link TopKRecommender} serves the same
 * artifact. A request without a usable cache (none, one of another artifact, one that does not end
 * where the request's history ends before its event) is encoded from the history the request
 * carries, which leaves a cache to go on from; {@link #recommend} (no states) answers every request
 * that way. Learned-position artifacts are refused ({@link #load}): their position embeddings
 * change with every event.
 */
public final class IncrementalSasRecRecommender implements UserStateful {

    private final String name;
    private final String version;
    private final String tag;
    private final ItemIndex items;
    private final SasRecStepper stepper;
    private final CacheEncoding encoding;
    private final AutoCloseable resources;

    /**
     * @param tag what stored caches must carry to be reused: the artifact's sha256, so a cache of
     *     any other artifact is refused
     * @param encoding how the caches it returns are stored (it reads any)
     */
    public IncrementalSasRecRecommender(String name, String version, String tag, ItemIndex items, SasRecStepper stepper,
            CacheEncoding encoding, AutoCloseable resources) {
        this.name = name;
        this.version = version;
        this.tag = tag;
        this.items = items;
        this.stepper = stepper;
        this.encoding = encoding;
        this.resources = resources;
    }

    /** Loads a SASRec (or KDSR-SASRec) artifact with rotary positions on a device; refuses any other. */
    public static IncrementalSasRecRecommender load(ModelArtifact artifact, Device device, CacheEncoding encoding)
            throws ArtifactException {
        KdsrArtifacts.LoadedSequenceModel loaded = KdsrArtifacts.loadSequenceModel(artifact, device);
        EncoderConfig config = loaded.block().config();
        if (config.kind() != EncoderConfig.Kind.SASREC || config.positions() != EncoderConfig.Positions.ROTARY) {
            loaded.close();
            throw new ArtifactException("artifact " + artifact.dir() + ": a key/value cache needs a SASRec backbone with "
                    + "rotary positions (train --positions rotary), not " + config.kind().id() + " with "
                    + config.positions().id() + " positions");
        }
        return new IncrementalSasRecRecommender(artifact.model(), artifact.version(), artifact.sha256(), artifact.items(),
                new SasRecStepper(loaded.block(), loaded.model().getNDManager()), encoding, loaded);
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

    /** One batched step: rows with a usable cache fold in the event, the others their history. */
    @Override
    public List<Answer> answer(List<RecommendRequest> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int[][] known = new int[batch.size()][];
        List<SasRecStepper.Row> rows = new ArrayList<>(batch.size());
        int depth = 1; // the padding row may rank among the candidates
        for (int r = 0; r < batch.size(); r++) {
            RecommendRequest req = batch.get(r);
            known[r] = TopKRecommender.indices(items, req.history());
            List<String> history = req.history();
            boolean newestKnown = !history.isEmpty() && items.indexOf(history.get(history.size() - 1)) > 0;
            SasRecUserState carried = SasRecUserState.decode(req.userState(), tag, stepper.slots(),
                    stepper.cachedLayers(), stepper.dim());
            SasRecStepper.Row row = carried == null ? null : carried.rowFor(known[r], newestKnown);
            rows.add(row != null ? row : SasRecUserState.fresh(known[r]));
            depth = Math.max(depth, 1 + req.k() + (req.excludeHistory() ? known[r].length : 0));
        }
        SasRecStepper.Ranked ranked = stepper.candidates(rows, depth);
        List<Answer> answers = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            RecommendRequest req = batch.get(r);
            answers.add(new Answer(
                    ranked.candidates().top(r, req.k(), req.excludeHistory() ? known[r] : new int[0], items::idAt),
                    new SasRecUserState(tag, ranked.caches()[r]).encode(encoding)));
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
