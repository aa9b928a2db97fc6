package dev.streamrec.model.kdsr;

import dev.streamrec.model.backbone.Gru4RecStepper;

import java.nio.ByteBuffer;

/**
 * What the stream keeps per user for incremental GRU4Rec ({@link Gru4RecIncrementalBackbone}):
 * the GRU's hidden state per layer after the user's whole history ({@link Gru4RecStepper}), the
 * index of the newest item folded into it (0: none), and the tag of the model that computed it
 * (the artifact's sha256). Bytes: a format byte, the tag, the item, the float count and the floats
 * (float32, little-endian): 4·layers·d + 74 bytes with a sha256 tag (586 at d = 64, two layers).
 *
 * <p>{@link #rowFor} decides what a request folds in: the newest item when the state ends where the
 * request's history ends before it, nothing when the newest item is unknown to the model and the
 * state ends with the history; otherwise the state is refused, as is one of another model or form
 * ({@link #decode}), and the row starts over from the padding state with the history the request
 * carries ({@link #fresh}).
 */
public record Gru4RecUserState(String tag, int lastItem, float[] hidden) {

    private static final byte FORMAT = 1;

    public byte[] encode() {
        ByteBuffer b = StateHeader.allocate(FORMAT, tag, 4 + 4 + 4 * hidden.length);
        b.putInt(lastItem).putInt(hidden.length);
        b.asFloatBuffer().put(hidden);
        return b.array();
    }

    /**
     * Reads {@link #encode}'s form; null (start over) for null, for another format, for bytes it
     * cannot read, and for a state of another model ({@code tag}) or size ({@code stateSize} floats).
     */
    public static Gru4RecUserState decode(byte[] state, String tag, int stateSize) {
        try {
            ByteBuffer b = StateHeader.open(state, FORMAT, tag);
            if (b == null) {
                return null;
            }
            int lastItem = b.getInt();
            int n = b.getInt();
            if (n != stateSize || b.remaining() != 4 * n) {
                return null;
            }
            float[] hidden = new float[n];
            b.asFloatBuffer().get(hidden);
            return new Gru4RecUserState(tag, lastItem, hidden);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * The row that folds the request's event into this state, or null when this state does not
     * end where the request's history (known item indices, oldest first) ends before the event:
     * when that part of the history has a known item and it is not this state's newest. (When it
     * has none, as when the window the request carries holds only unknown items before the event,
     * nothing can be checked and the state is used.)
     *
     * @param newestKnown whether the request's newest item is one the model knows (the last of
     *     {@code known}); when not, the event adds nothing and the state is scored as it is
     */
    public Gru4RecStepper.Row rowFor(int[] known, boolean newestKnown) {
        int before = known.length - (newestKnown ? 1 : 0);
        if (before > 0 && lastItem != known[before - 1]) {
            return null;
        }
        return new Gru4RecStepper.Row(hidden, newestKnown ? new int[] {known[known.length - 1]} : new int[0]);
    }

    /** The row of a user without a usable state: the whole known history from the padding state. */
    public static Gru4RecStepper.Row fresh(int[] known) {
        return new Gru4RecStepper.Row(null, known);
    }
}
