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
        // per entry: where it starts, and where its item id (length and bytes) ends
        int[] entryStart = new int[n + 1];
        int[] itemEnd = new int[n];
        long lastTime = Long.MIN_VALUE;
        int lastIdAt = -1;
        for (int i = 0; i < n; i++) {
            entryStart[i] = in.position();
            in.skipString();
            itemEnd[i] = in.position();
            lastTime = in.int64();
            lastIdAt = in.position();
            EventIds.skip(in);
        }
        entryStart[n] = in.position();
        int unchunked = in.varint();
        int keysAt = in.position();
        in.skip(8 * unchunked);
        in.expectEnd();
        if (n > 0 && (e.timestamp < lastTime || (e.timestamp == lastTime
                && UserSequence.after(lastTime, lastIdAt(stored, lastIdAt), e.timestamp, e.eventId)))) {
            return null;
        }

        int drop = Math.max(0, n + 1 - maxLength);
        int kept = n + 1 - drop;
        String evicted = drop > 0 ? new CompactStrings.Reader(stored, entryStart[drop - 1]).string() : null;

        CompactStrings.Writer state = new CompactStrings.Writer(stored.length + 80);
        state.write(UserSequence.FORMAT);
        state.varint(arrivals + 1);
        state.varint(kept);
        state.bytes(stored, entryStart[drop], entryStart[n] - entryStart[drop]);
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

        CompactStrings.Writer history = new CompactStrings.Writer(8 + kept * 8);
        history.varint(kept);
        for (int i = drop; i < n; i++) {
            history.bytes(stored, entryStart[i], itemEnd[i] - entryStart[i]);
        }
        history.string(e.itemId);
        return new UserSequence.Update(state.toByteArray(), history.toByteArray(), arrivals,
                new UserSequence.Insertion(kept - 1, evicted, true), completed);
    }

    private static String lastIdAt(byte[] stored, int at) {
        return EventIds.read(new CompactStrings.Reader(stored, at));
    }
}
