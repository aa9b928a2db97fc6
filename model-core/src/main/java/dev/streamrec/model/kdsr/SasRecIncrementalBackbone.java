package dev.streamrec.model.kdsr;

import dev.streamrec.model.backbone.BatchStepper;
import dev.streamrec.model.backbone.KeyValueCache;
import dev.streamrec.model.backbone.SasRecStepper;

import java.util.List;

/**
 * SASRec with rotary positions served with a key/value cache: the stored state is the cache of
 * {@link SasRecUserState} and a step computes only the new position's queries, keys and values and
 * its attention over the cache ({@link SasRecStepper}), so an event's cost does not grow with the
 * history beyond the attention over L-1 cached positions. The scores are those of SASRec over the
 * whole history with each layer's attention over a band of L positions (the model's ordinary
 * forward up to L items).
 */
public final class SasRecIncrementalBackbone implements IncrementalBackbone<SasRecStepper.Row> {

    private final String tag;
    private final SasRecStepper stepper;
    private final CacheEncoding encoding;

    /**
     * @param tag what stored caches must carry to be reused (the artifact's sha256)
     * @param encoding how the caches it returns are stored (it reads any)
     */
    public SasRecIncrementalBackbone(String tag, SasRecStepper stepper, CacheEncoding encoding) {
        this.tag = tag;
        this.stepper = stepper;
        this.encoding = encoding;
    }

    @Override
    public SasRecStepper.Row carried(byte[] stored, int[] known, boolean newestKnown) {
        SasRecUserState state = SasRecUserState.decode(stored, tag, stepper.slots(), stepper.cachedLayers(), stepper.dim());
        return state == null ? null : state.rowFor(known, newestKnown);
    }

    @Override
    public SasRecStepper.Row fresh(int[] known) {
        return SasRecUserState.fresh(known);
    }

    @Override
    public SasRecStepper.Row extended(SasRecStepper.Row row, int item) {
        return new SasRecStepper.Row(row.cache(), row.pendingAnd(item));
    }

    @Override
    public float[][] scores(List<SasRecStepper.Row> rows) {
        return stepper.scores(rows).scores();
    }

    @Override
    public Stepped step(List<SasRecStepper.Row> rows, int[][] known, int[][] positions, int depth) {
        BatchStepper.Ranked<KeyValueCache> ranked = stepper.candidatesAt(rows, positions, depth);
        byte[][] states = new byte[rows.size()][];
        for (int r = 0; r < states.length; r++) {
            states[r] = new SasRecUserState(tag, ranked.states().get(r)).encode(encoding);
        }
        return new Stepped(ranked.candidates(), states);
    }
}
