package dev.streamrec.model.serving;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The byte form of the models' checkpointed state ({@link Snapshotting#snapshotState}): data streams
 * over byte arrays.
 */
public final class StateBytes {

    /** Writes state fields. */
    @FunctionalInterface
    public interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads state fields back in the order they were written. */
    @FunctionalInterface
    public interface Reader {
        void read(DataInputStream in) throws IOException;
    }

    private StateBytes() {}

    public static byte[] write(Writer writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void read(byte[] state, Reader reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
