package dev.streamrec.jobs.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GcLogTest {

    private static final double MIB = 1024.0 * 1024;

    @Test
    void shouldTakeTheSmallestHeapAfterAnyPause() {
        List<String> lines = List.of(
                "[1.234s][info][gc] Using G1",
                "[5.010s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 300M->61M(512M) 3.123ms",
                "[9.020s][info][gc] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 280M->58M(512M) 2.0ms",
                "[9.030s][info][gc] GC(2) Concurrent Mark Cycle",
                "[9.500s][info][gc] GC(2) Pause Remark 70M->52M(512M) 1.1ms",
                "[9.600s][info][gc] GC(2) Pause Cleanup 52M->52M(512M) 0.1ms",
                "[9.700s][info][gc] GC(2) Concurrent Mark Cycle 670.2ms",
                "[12.00s][info][gc] GC(3) Pause Young (Mixed) (G1 Evacuation Pause) 200M->50M(512M) 4.0ms",
                "[20.00s][info][gc] GC(4) Pause Full (System.gc()) 1G->40960K(512M) 20.0ms");
        assertEquals(40 * MIB, GcLog.smallestAfterGc(lines), 1e-6);
        assertEquals(50 * MIB, GcLog.smallestAfterGc(lines.subList(0, 8)), 1e-6);
        assertTrue(Double.isNaN(GcLog.smallestAfterGc(lines.subList(0, 1))));
    }

    @Test
    void shouldReadOnlyWhatWasAppendedSinceTheLastRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("taskmanager-1-gc.log");
        GcLog log = new GcLog(file);
        assertTrue(Double.isNaN(log.smallestAfterGcSinceLastRead()), "no log yet");
        append(file, "[5.0s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 300M->60M(512M) 3ms\n");
        assertEquals(60 * MIB, log.smallestAfterGcSinceLastRead(), 1e-6);
        assertTrue(Double.isNaN(log.smallestAfterGcSinceLastRead()), "nothing new");
        // a line still being written counts once it is complete
        append(file, "[9.0s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 310M->");
        assertTrue(Double.isNaN(log.smallestAfterGcSinceLastRead()));
        append(file, "70M(512M) 3ms\n[12.0s][info][gc] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 320M->80M(512M) 3ms\n");
        assertEquals(70 * MIB, log.smallestAfterGcSinceLastRead(), 1e-6);
        // rotated: a new, shorter file under the same name is read from its start
        Files.writeString(file, "[1.0s][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 100M->20M(512M) 1ms\n");
        assertEquals(20 * MIB, log.smallestAfterGcSinceLastRead(), 1e-6);
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
