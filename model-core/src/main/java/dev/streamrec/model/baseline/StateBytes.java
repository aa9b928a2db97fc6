package dev.streamrec.model.baseline;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The byte form of the baselines' checkpointed state: data streams over byte arrays. */
final class StateBytes {

    /** Writes state fields. */
    @FunctionalInterface
    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads state fields back in the order they were written. */
    @FunctionalInterface
    interface Reader {
        void read(DataInputStream in) throws IOException;
    }

    private StateBytes() {}

    static byte[] write(Writer writer) {
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

    static void read(byte[] state, Reader reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
