package dev.streamrec.jobs.soak;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap in use right after each garbage collection, read from a JVM's unified GC log
 * ({@code -Xlog:gc}: one line per pause, {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause)
 * 300M->60M(512M) 3.1ms}). A heap sampled at an arbitrary moment holds live data plus whatever
 * garbage the young generation gathered since the last collection, which at a 30-s sample can be most
 * of it; the size after a collection is the closest a sampler gets to the live set, so the soak judges
 * a TaskManager's heap by it. Each {@link #smallestAfterGcSinceLastRead()} reads only the lines the
 * JVM appended since the previous call (from the start again when the file was rotated or replaced).
 */
final class GcLog {

    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause .*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private final Path file;
    private long offset;

    GcLog(Path file) {
        this.file = file;
    }

    /** The smallest heap after a pause among those logged since the last call, in bytes; NaN when none (or no log). */
    double smallestAfterGcSinceLastRead() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < offset) {
                offset = 0; // rotated: the JVM started a new file under the same name
            }
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size - offset));
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) >= 0) {
                // read to the size seen above
            }
            int complete = buf.position(); // up to the last newline: a line still being written is read next time
            while (complete > 0 && buf.get(complete - 1) != '\n') {
                complete--;
            }
            offset += complete;
            return smallestAfterGc(new String(buf.array(), 0, complete, StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** The smallest heap after a pause among {@code lines}, in bytes; NaN when none is a pause line. */
    static double smallestAfterGc(List<String> lines) {
        double smallest = Double.NaN;
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                double after = bytes(m.group(3), m.group(4));
                smallest = Double.isNaN(smallest) ? after : Math.min(smallest, after);
            }
        }
        return smallest;
    }

    private static double bytes(String amount, String unit) {
        long n = Long.parseLong(amount);
        return switch (unit) {
            case "K" -> n * 1024.0;
            case "M" -> n * 1024.0 * 1024;
            default -> n * 1024.0 * 1024 * 1024;
        };
    }
}
