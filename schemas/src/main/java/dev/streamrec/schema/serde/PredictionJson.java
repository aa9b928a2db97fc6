package dev.streamrec.schema.serde;

import com.fasterxml.jackson.core.io.NumberOutput;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.RecommendedItem;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a prediction's v1 JSON, byte for byte what {@link EventCodec}'s Jackson generator wrote
 * (the same fields in the same order, absent ones left out, scores in Jackson's shortest
 * round-tripping form), straight into one array. Why: every event gets a prediction per model, the
 * encoding was a large share of the scoring task thread in a profile, and a generator per
 * prediction (its context, buffer recycler and growing stream) costs markedly more than this
 * (measured in docs/performance-history.md); what is left is mostly the scores' float formatting. A string that needs escaping or is not ASCII, or a score
 * that is not finite, is left to the generator, so the rare cases keep Jackson's rules.
 */
final class PredictionJson {

    private static final byte[] EVENT_ID = name("\"eventId\":");
    private static final byte[] USER_ID = name("\"userId\":");
    private static final byte[] TIMESTAMP = name("\"timestamp\":");
    private static final byte[] MODEL = name("\"model\":");
    private static final byte[] MODEL_VERSION = name("\"modelVersion\":");
    private static final byte[] ITEMS = name("\"items\":[");
    private static final byte[] ITEM_ID = name("\"itemId\":");
    private static final byte[] SCORE = name("\"score\":");
    private static final byte[] LATENCY = name("\"latencyMs\":");
    private static final byte[] PROCESSING = name("\"processingMs\":");

    private PredictionJson() {}

    /** The prediction's JSON, or null when a string or score needs the generator's rules. */
    static byte[] encode(Prediction p) {
        if (!plain(p)) {
            return null;
        }
        Out out = new Out(128 + (p.items == null ? 0 : 40 * p.items.size()));
        out.raw('{');
        boolean first = stringField(out, true, EVENT_ID, p.eventId);
        first = stringField(out, first, USER_ID, p.userId);
        out.field(first, TIMESTAMP);
        out.ascii(Long.toString(p.timestamp));
        stringField(out, false, MODEL, p.model);
        stringField(out, false, MODEL_VERSION, p.modelVersion);
        if (p.items != null) {
            out.field(false, ITEMS);
            for (int i = 0; i < p.items.size(); i++) {
                RecommendedItem item = p.items.get(i);
                if (i > 0) {
                    out.raw(',');
                }
                out.raw('{');
                out.field(stringField(out, true, ITEM_ID, item.itemId), SCORE);
                out.ascii(NumberOutput.toString(item.score, true));
                out.raw('}');
            }
            out.raw(']');
        }
        out.field(false, LATENCY);
        out.ascii(Long.toString(p.latencyMs));
        if (p.processingMs != null) {
            out.field(false, PROCESSING);
            out.ascii(Long.toString(p.processingMs));
        }
        out.raw('}');
        return out.toByteArray();
    }

    /** Whether every string is printable ASCII without quotes or backslashes and every score finite. */
    private static boolean plain(Prediction p) {
        if (!plain(p.eventId) || !plain(p.userId) || !plain(p.model) || !plain(p.modelVersion)) {
            return false;
        }
        if (p.items != null) {
            for (RecommendedItem item : p.items) {
                if (item == null || !plain(item.itemId) || !Float.isFinite(item.score)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean plain(String s) {
        if (s == null) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes {@code "name":"value"} (after a comma unless first); nothing for a null value. Returns
     * whether the next field is still the first.
     */
    private static boolean stringField(Out out, boolean first, byte[] name, String value) {
        if (value == null) {
            return first;
        }
        out.field(first, name);
        out.raw('"');
        out.ascii(value);
        out.raw('"');
        return false;
    }

    /** The bytes of a field's quoted name and colon. */
    private static byte[] name(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A growing byte array. */
    private static final class Out {
        private byte[] buf;
        private int pos;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        void raw(char c) {
            ensure(1);
            buf[pos++] = (byte) c;
        }

        /** A field's name and colon, after a comma unless it is the first of its object. */
        void field(boolean first, byte[] name) {
            ensure(name.length + 1);
            if (!first) {
                buf[pos++] = ',';
            }
            System.arraycopy(name, 0, buf, pos, name.length);
            pos += name.length;
        }

        /** A string known to be ASCII, one byte per char. */
        void ascii(String s) {
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                buf[pos + i] = (byte) s.charAt(i);
            }
            pos += n;
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }
}
