package dev.streamrec.jobs.state;

/**
 * The common case of {@link UserSequence#apply}, done on the stored bytes: an event newer than the
 * user's newest is appended, the oldest entries trimmed, its id key added to the unchunked keys, and
 * the request's history copied from the stored item ids, without decoding a single id into a string (decoding and re-encoding the whole
 * sequence was most of the sequence operator's Java time). Answers exactly what the decoded path
 * answers; anything else (a new user, an older format, an event out of order) is left to it.
 */
final class InOrderAppend {

    private InOrderAppend() {}

    /** The update for {@code e}, or null when the decoded path must take it. */
    static UserSequence.Update apply(byte[] stored, SequenceEntry e, long key, int maxLength, int chunkSize) {
        if (stored == null || stored.length == 0 || stored[0] != UserSequence.FORMAT || maxLength < 1 || chunkSize < 1) {
            return null;
        }
        CompactStrings.Reader in = new CompactStrings.Reader(stored);
        in.read();
        long arrivals = in.varlong();
        int n = in.varint();
        int drop = Math.max(0, n + 1 - maxLength);
        int kept = n + 1 - drop;
        // One pass over the entries: the kept ones' item ids go to the history as they are, and
        // only the newest entry's time and id are read (for the order check below).
        CompactStrings.Writer history = new CompactStrings.Writer(8 + kept * 8);
        history.varint(kept);
        int keptFrom = -1;
        int evictedAt = -1;
        long lastTime = Long.MIN_VALUE;
        int lastIdAt = -1;
        for (int i = 0; i < n; i++) {
            int entry = in.position();
            in.skipString();
            if (i >= drop) {
                if (i == drop) {
                    keptFrom = entry;
                }
                history.bytes(stored, entry, in.position() - entry);
            } else if (i == drop - 1) {
                evictedAt = entry;
            }
            if (i == n - 1) {
                lastTime = in.int64();
                lastIdAt = in.position();
            } else {
                in.skip(8);
            }
            EventIds.skip(in);
        }
        int entriesEnd = in.position();
        if (keptFrom < 0) {
            keptFrom = entriesEnd; // every stored entry goes
        }
        int unchunked = in.varint();
        int keysAt = in.position();
        in.skip(8 * unchunked);
        in.expectEnd();
        if (n > 0 && (e.timestamp < lastTime || (e.timestamp == lastTime
                && UserSequence.after(lastTime, lastIdAt(stored, lastIdAt), e.timestamp, e.eventId)))) {
            return null;
        }
        String evicted = evictedAt >= 0 ? new CompactStrings.Reader(stored, evictedAt).string() : null;
        history.string(e.itemId);

        CompactStrings.Writer state = new CompactStrings.Writer(stored.length + 80);
        state.write(UserSequence.FORMAT);
        state.varint(arrivals + 1);
        state.varint(kept);
        state.bytes(stored, keptFrom, entriesEnd - keptFrom);
        state.string(e.itemId);
        state.int64(e.timestamp);
        EventIds.write(state, e.eventId);
        long[] completed = null;
        if (unchunked + 1 >= chunkSize) {
            completed = new long[unchunked + 1];
            CompactStrings.Reader keys = new CompactStrings.Reader(stored, keysAt);
            for (int i = 0; i < unchunked; i++) {
                completed[i] = keys.int64();
            }
            completed[unchunked] = key;
            state.varint(0);
        } else {
            state.varint(unchunked + 1);
            state.bytes(stored, keysAt, 8 * unchunked);
            state.int64(key);
        }

        return new UserSequence.Update(state.toByteArray(), history.toByteArray(), arrivals,
                new UserSequence.Insertion(kept - 1, evicted, true), completed);
    }

    private static String lastIdAt(byte[] stored, int at) {
        return EventIds.read(new CompactStrings.Reader(stored, at));
    }
}
