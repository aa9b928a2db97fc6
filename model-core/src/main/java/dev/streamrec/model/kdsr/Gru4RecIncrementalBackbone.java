package dev.streamrec.model.kdsr;

import dev.streamrec.model.backbone.BatchStepper;
import dev.streamrec.model.backbone.Gru4RecStepper;

import java.util.List;

/**
 * GRU4Rec served incrementally: the stored state is the GRU's hidden state after the user's whole
 * history ({@link Gru4RecUserState}) and a step is one recurrent step from it
 * ({@link Gru4RecStepper}), so an event's cost does not grow with the history. The scores are those
 * of the GRU run over the whole history from the padding state.
 */
public final class Gru4RecIncrementalBackbone implements IncrementalBackbone<Gru4RecStepper.Row> {

    private final String tag;
    private final Gru4RecStepper stepper;

    /** @param tag what stored states must carry to be reused (the artifact's sha256) */
    public Gru4RecIncrementalBackbone(String tag, Gru4RecStepper stepper) {
        this.tag = tag;
        this.stepper = stepper;
    }

    @Override
    public Gru4RecStepper.Row carried(byte[] stored, int[] known, boolean newestKnown) {
        Gru4RecUserState state = Gru4RecUserState.decode(stored, tag, stepper.stateSize());
        return state == null ? null : state.rowFor(known, newestKnown);
    }

    @Override
    public Gru4RecStepper.Row fresh(int[] known) {
        return Gru4RecUserState.fresh(known);
    }

    @Override
    public Gru4RecStepper.Row extended(Gru4RecStepper.Row row, int item) {
        return new Gru4RecStepper.Row(row.state(), row.pendingAnd(item));
    }

    @Override
    public float[][] scores(List<Gru4RecStepper.Row> rows) {
        return stepper.scores(rows).scores();
    }

    @Override
    public Stepped step(List<Gru4RecStepper.Row> rows, int[][] known, int[][] positions, int depth) {
        BatchStepper.Ranked<float[]> ranked = stepper.candidatesAt(rows, positions, depth);
        byte[][] states = new byte[rows.size()][];
        for (int r = 0; r < states.length; r++) {
            int last = known[r].length > 0 ? known[r][known[r].length - 1] : 0;
            states[r] = new Gru4RecUserState(tag, last, ranked.states().get(r)).encode();
        }
        return new Stepped(ranked.candidates(), states);
    }
}
