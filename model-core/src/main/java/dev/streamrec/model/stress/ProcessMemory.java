package dev.streamrec.model.stress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This process's memory as a long run watches it: the resident set (native memory included, which
 * is where a libtorch leak shows) from {@code /proc/self/status}, and the Java heap in use.
 */
final class ProcessMemory {

    private ProcessMemory() {}

    /** VmRSS in MiB; -1 where {@code /proc} has none (not Linux). */
    static long rssMb() {
        try {
            return rssMb(Files.readAllLines(Path.of("/proc/self/status")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The {@code VmRSS:} line of a {@code /proc/PID/status} in MiB; -1 without one. */
    static long rssMb(List<String> status) {
        for (String line : status) {
            if (line.startsWith("VmRSS:")) {
                String[] f = line.substring(6).trim().split("\\s+");
                return Long.parseLong(f[0]) / 1024; // kB
            }
        }
        return -1;
    }

    /** The Java heap in use, in MiB. */
    static long heapUsedMb() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }
}
