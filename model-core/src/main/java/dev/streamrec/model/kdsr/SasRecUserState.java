package dev.streamrec.model.kdsr;

import dev.streamrec.model.backbone.KeyValueCache;
import dev.streamrec.model.backbone.SasRecStepper;

import java.nio.ByteBuffer;

/**
 * What the stream keeps per user for incremental SASRec ({@link SasRecIncrementalBackbone}): the
 * key/value cache of {@link SasRecStepper} (the item indices of the last P <= L-1 positions, the
 * keys and values of those positions in every layer above the first, the final hidden state of the
 * newest position, the absolute position of the next item, which the cached keys are rotated
 * against) and the tag of the model that computed it (the artifact's sha256). Bytes
 * (little-endian): a format byte, the tag, the {@link CacheEncoding}, P, the cached layers and d,
 * the next position (int64), the P items (int32), the hidden state (float32), then each cached
 * layer's P key rows and P value rows in the encoding: 90 + 4·P + 4·d + 2·P·(layers-1)·(bytes per
 * row) bytes with a sha256 tag. Format 1 (keys cached unrotated, before 2026-12-07) is refused
 * like another model's cache: the row starts over from its history.
 *
 * <p>{@link #rowFor} decides what a request folds in: the newest item when the cache ends where the
 * request's history ends before it (its last min(P, n) items agree), nothing when the newest item
 * is unknown to the model and the cache ends with the history; otherwise the cache is refused, as
 * is one of another model or shape ({@link #decode}), and the row starts over from the history the
 * request carries ({@link #fresh}).
 *
 * <p>A float16 state is read into a float16 cache ({@link KeyValueCache#ofHalves}), which the step
 * reads as it is held and which rounds what it appends as the encoding would: the step serves what
 * it would serve from the same values in float32, and the state written back is the same.
 */
public record SasRecUserState(String tag, KeyValueCache cache) {

    private static final byte FORMAT = 2;

    public byte[] encode(CacheEncoding encoding) {
        int p = cache.positions();
        int d = cache.dim();
        int layers = cache.cachedLayers();
        ByteBuffer b = StateHeader.allocate(FORMAT, tag, 1 + 12 + 8 + 4 * p + 4 * d + 2 * layers * encoding.bytes(p, d));
        b.put((byte) encoding.ordinal());
        b.putInt(p).putInt(layers).putInt(d).putLong(cache.next());
        for (int item : cache.items()) {
            b.putInt(item);
        }
        for (float v : cache.top()) {
            b.putFloat(v);
        }
        for (int l = 0; l < layers; l++) {
            if (encoding == CacheEncoding.FLOAT16 && cache.halves()) { // the halves it holds, as they are
                CacheEncoding.writeHalves(b, cache.halfKeys(l));
                CacheEncoding.writeHalves(b, cache.halfValues(l));
            } else {
                encoding.write(b, cache.keys(l), d);
                encoding.write(b, cache.values(l), d);
            }
        }
        return b.array();
    }

    /**
     * Reads {@link #encode}'s form in any encoding; null (start over) for null, for another format,
     * for bytes it cannot read, and for a cache of another model ({@code tag}) or shape (more than
     * {@code slots} positions, other layer count or d).
     */
    public static SasRecUserState decode(byte[] state, String tag, int slots, int cachedLayers, int d) {
        try {
            ByteBuffer b = StateHeader.open(state, FORMAT, tag);
            if (b == null) {
                return null;
            }
            CacheEncoding encoding = CacheEncoding.values()[b.get()];
            int p = b.getInt();
            if (p < 0 || p > slots || b.getInt() != cachedLayers || b.getInt() != d) {
                return null;
            }
            long next = b.getLong();
            if (next < p || b.remaining() != 4 * p + 4 * d + 2 * cachedLayers * encoding.bytes(p, d)) {
                return null;
            }
            int[] items = new int[p];
            for (int i = 0; i < p; i++) {
                items[i] = b.getInt();
            }
            float[] top = new float[d];
            for (int i = 0; i < d; i++) {
                top[i] = b.getFloat();
            }
            if (encoding == CacheEncoding.FLOAT16) { // a float16 cache: read as it is held
                short[][] keys = new short[cachedLayers][];
                short[][] values = new short[cachedLayers][];
                for (int l = 0; l < cachedLayers; l++) {
                    keys[l] = CacheEncoding.readHalves(b, p * d);
                    values[l] = CacheEncoding.readHalves(b, p * d);
                }
                return new SasRecUserState(tag, KeyValueCache.ofHalves(slots, items, keys, values, top, next));
            }
            float[][] keys = new float[cachedLayers][];
            float[][] values = new float[cachedLayers][];
            for (int l = 0; l < cachedLayers; l++) {
                keys[l] = encoding.read(b, p, d);
                values[l] = encoding.read(b, p, d);
            }
            return new SasRecUserState(tag, new KeyValueCache(slots, items, keys, values, top, next));
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * The row that folds the request's event into this cache, or null when the cache does not end
     * where the request's history (known item indices, oldest first) ends before the event: when
     * that part of the history has known items and its last min(P, n) are not the cache's newest
     * (a cache of no items never fits a history that has some). When it has none, nothing can be
     * checked and the cache is used.
     *
     * @param newestKnown whether the request's newest item is one the model knows (the last of
     *     {@code known}); when not, the event adds nothing and the cache is scored as it is
     */
    public SasRecStepper.Row rowFor(int[] known, boolean newestKnown) {
        if (!KnownHistory.continues(cache.items(), known, newestKnown)) {
            return null;
        }
        return new SasRecStepper.Row(cache, newestKnown ? new int[] {known[known.length - 1]} : new int[0]);
    }

    /** The row of a user without a usable cache: the whole known history, encoded from nothing. */
    public static SasRecStepper.Row fresh(int[] known) {
        return new SasRecStepper.Row(null, known);
    }
}
