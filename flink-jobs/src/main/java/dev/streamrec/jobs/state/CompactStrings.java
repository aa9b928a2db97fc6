package dev.streamrec.jobs.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small byte codec for the strings and numbers of per-event state and requests: unsigned varints,
 * and strings as a varint length plus their UTF-8 bytes. It exists because the user's sequence is
 * read, written and shipped on every event: {@code DataOutput.writeUTF}/{@code readUTF} walk each
 * string a char at a time (they were a fifth of the pipeline's Java CPU in a profile), whereas
 * {@link String#getBytes} and {@code new String(bytes, UTF_8)} are intrinsics for the ASCII ids
 * that item and event ids almost always are.
 */
public final class CompactStrings {

    private CompactStrings() {}

    /** An encoding of {@code ids}: a varint count, then each string. Empty lists are one byte. */
    public static byte[] encodeList(List<String> ids) {
        Writer w = new Writer(8 + ids.size() * 8);
        w.varint(ids.size());
        for (String id : ids) {
            w.string(id);
        }
        return w.toByteArray();
    }

    /** Reads {@link #encodeList}; null gives an empty list. */
    public static List<String> decodeList(byte[] bytes) {
        if (bytes == null) {
            return new ArrayList<>();
        }
        Reader r = new Reader(bytes);
        int n = r.varint();
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(r.string());
        }
        r.expectEnd();
        return ids;
    }

    /** Appends to a growing byte array. */
    public static final class Writer {
        private byte[] buf;
        private int pos;

        public Writer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int more) {
            if (pos + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
            }
        }

        public void write(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        /** An unsigned LEB128 varint (7 bits per byte); {@code v} must not be negative. */
        public void varint(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative varint " + v);
            }
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        /** Eight bytes, big-endian. */
        public void int64(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[pos++] = (byte) (v >>> shift);
            }
        }

        /** A varint length and the UTF-8 bytes. */
        public void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        /** {@code len} raw bytes of {@code src} from {@code off}: an already encoded field copied as it is. */
        public void bytes(byte[] src, int off, int len) {
            ensure(len);
            System.arraycopy(src, off, buf, pos, len);
            pos += len;
        }

        public byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** Reads what a {@link Writer} wrote, in the same order. */
    public static final class Reader {
        private final byte[] buf;
        private int pos;

        public Reader(byte[] buf) {
            this(buf, 0);
        }

        /** Reads {@code buf} from {@code position}. */
        public Reader(byte[] buf, int position) {
            this.buf = buf;
            this.pos = position;
        }

        public int read() {
            check(1);
            return buf[pos++] & 0xFF;
        }

        public long varlong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalStateException("varint longer than 10 bytes at " + pos);
        }

        public int varint() {
            long v = varlong();
            if (v > Integer.MAX_VALUE) {
                throw new IllegalStateException("varint " + v + " does not fit an int");
            }
            return (int) v;
        }

        public long int64() {
            check(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos++] & 0xFFL);
            }
            return v;
        }

        public String string() {
            int len = varint();
            check(len);
            String s = new String(buf, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }

        /** Where the next read starts. */
        public int position() {
            return pos;
        }

        /** Moves {@code n} bytes on without reading them. */
        public void skip(int n) {
            check(n);
            pos += n;
        }

        /** Moves past one {@link Writer#string}. */
        public void skipString() {
            skip(varint());
        }

        /** Fails unless every byte was read: a truncated or over-long value is corrupt state. */
        public void expectEnd() {
            if (pos != buf.length) {
                throw new IllegalStateException((buf.length - pos) + " unread bytes after position " + pos);
            }
        }

        private void check(int n) {
            if (n < 0 || pos + n > buf.length) {
                throw new IllegalStateException("truncated: need " + n + " bytes at " + pos + " of " + buf.length);
            }
        }
    }
}
