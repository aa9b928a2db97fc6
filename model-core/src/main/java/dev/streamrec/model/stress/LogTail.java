package dev.streamrec.model.stress;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Follows a file another process appends to (a child JVM's {@code run.log}) and hands each complete
 * new line to a consumer, so that a child running for hours shows its progress while it runs. A
 * torn last line waits for its end.
 */
final class LogTail {

    private final Path file;
    private final Consumer<String> onLine;
    private long position;
    private final StringBuilder partial = new StringBuilder();

    LogTail(Path file, Consumer<String> onLine) {
        this.file = file;
        this.onLine = onLine;
    }

    /** Reads what was appended since the last call; hands on each line it completes. */
    void poll() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        byte[] fresh;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= position) {
                return;
            }
            fresh = new byte[(int) Math.min(length - position, 1 << 20)];
            in.seek(position);
            in.readFully(fresh);
        }
        position += fresh.length;
        // lenient decoding, as for the whole log: a character split across two reads is lost at worst
        partial.append(new String(fresh, StandardCharsets.UTF_8));
        int end;
        while ((end = partial.indexOf("\n")) >= 0) {
            onLine.accept(partial.substring(0, end));
            partial.delete(0, end + 1);
        }
    }
}
