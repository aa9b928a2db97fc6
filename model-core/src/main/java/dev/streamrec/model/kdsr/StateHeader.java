package dev.streamrec.model.kdsr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The header every stored per-user state starts with ({@link Gru4RecUserState},
 * {@link SasRecUserState}): a format byte and the tag of the model that computed the state (the
 * artifact's sha256) as a length-prefixed UTF-8 string, little-endian like the body after it.
 */
final class StateHeader {

    private StateHeader() {}

    /** A buffer for the header and {@code bodyBytes} more, the header already written. */
    static ByteBuffer allocate(byte format, String tag, int bodyBytes) {
        byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + tagBytes.length + bodyBytes).order(ByteOrder.LITTLE_ENDIAN)
                .put(format).putInt(tagBytes.length).put(tagBytes);
    }

    /**
     * The state's bytes positioned after its header, or null when there are none or they are of
     * another format or tag. Malformed bytes may throw a RuntimeException, which the codecs read
     * as unreadable.
     */
    static ByteBuffer open(byte[] state, byte format, String tag) {
        if (state == null || state.length == 0 || state[0] != format) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        b.get();
        byte[] tagBytes = new byte[b.getInt()];
        b.get(tagBytes);
        return tag.equals(new String(tagBytes, StandardCharsets.UTF_8)) ? b : null;
    }
}
