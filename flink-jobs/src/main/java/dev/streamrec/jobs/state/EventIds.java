package dev.streamrec.jobs.state;

/**
 * How an event id is kept in per-user state. Most ids are derived ones ({@code "d-"} and 32
 * lowercase hex digits, see {@code EventCodec.deriveEventId}); as text they were 70% of every
 * sequence value, so they are kept as their 16 bytes, any other id as its string. Reading gives back
 * the exact string, so ordering ties by event id is unchanged. {@link #key} is the 64-bit key the
 * de-duplication window files an id under.
 */
public final class EventIds {

    private static final int TEXT = 0;
    private static final int DERIVED = 1;
    private static final String DERIVED_PREFIX = "d-";
    private static final int DERIVED_BYTES = 16;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private EventIds() {}

    static void write(CompactStrings.Writer out, String id) {
        if (isDerived(id)) {
            out.write(DERIVED);
            for (int i = 0; i < DERIVED_BYTES; i++) {
                out.write(nibble(id.charAt(2 + 2 * i)) << 4 | nibble(id.charAt(3 + 2 * i)));
            }
        } else {
            out.write(TEXT);
            out.string(id);
        }
    }

    /** The compact form alone: what the de-duplication window stores to confirm a key's id. */
    public static byte[] encode(String id) {
        CompactStrings.Writer out = new CompactStrings.Writer(18);
        write(out, id);
        return out.toByteArray();
    }

    /**
     * A 64-bit key of the id: the digest's first eight bytes for a derived id (already uniformly
     * random), a mixed FNV-1a hash of the UTF-8 bytes for any other.
     */
    public static long key(String id) {
        if (isDerived(id)) {
            long k = 0;
            for (int i = 2; i < 18; i++) {
                k = k << 4 | nibble(id.charAt(i));
            }
            return k;
        }
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        // splitmix64's finaliser: every input bit moves every output bit
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    static String read(CompactStrings.Reader in) {
        int tag = in.read();
        if (tag == TEXT) {
            return in.string();
        }
        if (tag != DERIVED) {
            throw new IllegalStateException("unknown event id tag " + tag);
        }
        char[] id = new char[2 + 2 * DERIVED_BYTES];
        id[0] = 'd';
        id[1] = '-';
        for (int i = 0; i < DERIVED_BYTES; i++) {
            int b = in.read();
            id[2 + 2 * i] = HEX[b >>> 4];
            id[3 + 2 * i] = HEX[b & 0xF];
        }
        return new String(id);
    }

    static void skip(CompactStrings.Reader in) {
        int tag = in.read();
        if (tag == TEXT) {
            in.skipString();
        } else if (tag == DERIVED) {
            in.skip(DERIVED_BYTES);
        } else {
            throw new IllegalStateException("unknown event id tag " + tag);
        }
    }

    /** {@code "d-"} followed by exactly 32 lowercase hex digits (upper case would not read back the same). */
    static boolean isDerived(String id) {
        if (id.length() != 2 + 2 * DERIVED_BYTES || !id.startsWith(DERIVED_PREFIX)) {
            return false;
        }
        for (int i = 2; i < id.length(); i++) {
            if (nibble(id.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int nibble(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }
}
