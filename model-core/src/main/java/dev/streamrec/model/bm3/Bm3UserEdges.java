package dev.streamrec.model.bm3;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One user's edges of the interaction graph that a BM3 artifact did not train on, observed by the
 * stream since it was loaded: the per-user state the stream keeps for BM3 (keyed state, RocksDB),
 * so that the heap and each checkpoint hold what active users did, not an ever-growing map of
 * every user seen. The edges are the trained item indices, oldest first; the state is tagged with
 * the artifact version, and another version's edges are dropped (a new version starts over from
 * the user's history, as it starts from its own trained graph). At most {@link #MAX_EDGES}, the
 * newest, are kept: a user's state and the cost of folding it in stay bounded however much it does
 * between retrainings (a dropped edge leaves its item's degree too, see
 * {@link Bm3Recommender#userStateStored}).
 *
 * <p>Form: the format byte, the version's UTF-8 bytes behind a varint length, a varint count and
 * each item index as a varint (two or three bytes per edge at common catalogue sizes).
 */
final class Bm3UserEdges {

    static final byte FORMAT = 1;
    /** Edges kept per user. */
    static final int MAX_EDGES = 1024;
    private static final int[] NONE = new int[0];

    private Bm3UserEdges() {}

    /** The stored edges for {@code version}: none when {@code state} is null or of another version. */
    static int[] decode(byte[] state, String version) {
        if (state == null) {
            return NONE;
        }
        if (state.length == 0 || state[0] != FORMAT) {
            throw new IllegalArgumentException(
                    "unknown BM3 user-state format " + (state.length == 0 ? "(empty)" : state[0]));
        }
        int[] at = {1};
        int tagLength = varint(state, at);
        if (tagLength < 0 || at[0] + tagLength > state.length) {
            throw new IllegalArgumentException("truncated BM3 user state");
        }
        String tag = new String(state, at[0], tagLength, StandardCharsets.UTF_8);
        if (!tag.equals(version)) {
            return NONE;
        }
        at[0] += tagLength;
        int n = varint(state, at);
        if (n < 0 || n > state.length) {
            throw new IllegalArgumentException("corrupt BM3 user state: " + n + " edges in " + state.length + " bytes");
        }
        int[] items = new int[n];
        for (int k = 0; k < n; k++) {
            items[k] = varint(state, at);
        }
        if (at[0] != state.length) {
            throw new IllegalArgumentException("BM3 user state has " + (state.length - at[0]) + " trailing bytes");
        }
        return items;
    }

    /**
     * The stored form of {@code edges} (trained item indices, oldest first) for {@code version}: the
     * newest {@link #MAX_EDGES} of them.
     */
    static byte[] encode(String version, int[] edges) {
        int[] items = edges.length > MAX_EDGES
                ? Arrays.copyOfRange(edges, edges.length - MAX_EDGES, edges.length)
                : edges;
        byte[] tag = version.getBytes(StandardCharsets.UTF_8);
        // a plain array: a ByteArrayOutputStream takes a lock for every byte written
        byte[] out = new byte[1 + 5 + tag.length + 5 + 5 * items.length];
        int at = 0;
        out[at++] = FORMAT;
        at = writeVarint(out, at, tag.length);
        System.arraycopy(tag, 0, out, at, tag.length);
        at += tag.length;
        at = writeVarint(out, at, items.length);
        for (int i : items) {
            at = writeVarint(out, at, i);
        }
        return Arrays.copyOf(out, at);
    }

    /** Writes {@code v} as a varint at {@code at}; returns the position after it. */
    private static int writeVarint(byte[] out, int at, int v) {
        while ((v & ~0x7f) != 0) {
            out[at++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        return at;
    }

    private static int varint(byte[] b, int[] at) {
        int v = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            if (at[0] >= b.length) {
                throw new IllegalArgumentException("truncated BM3 user state");
            }
            int x = b[at[0]++];
            v |= (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("malformed varint in BM3 user state at byte " + at[0]);
    }
}
