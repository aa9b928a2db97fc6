package dev.streamrec.jobs.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterProbeTest {

    @Test
    void shouldCountOnlyTheFilesInRocksDbDirectories(@TempDir Path tmp) throws Exception {
        Path db = Files.createDirectories(tmp.resolve("tm_taskmanager-1/tmp/job_x_op_y/db"));
        Files.write(db.resolve("000012.sst"), new byte[1000]);
        Files.write(db.resolve("MANIFEST-000001"), new byte[24]);
        Files.write(tmp.resolve("tm_taskmanager-1/tmp/blob"), new byte[5000]);
        assertEquals(1024, ClusterProbe.rocksDbBytes(tmp), 1e-9);
        assertEquals(0, ClusterProbe.rocksDbBytes(tmp.resolve("absent")), 1e-9);
    }

    @Test
    void shouldReadTheResidentSetOfAProcStatusFile(@TempDir Path tmp) throws Exception {
        Path status = tmp.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t 9000 kB\nVmRSS:\t  204800 kB\nThreads:\t40\n");
        assertEquals(204800.0 * 1024, ClusterProbe.rssOf(status), 1e-9);
        assertTrue(Double.isNaN(ClusterProbe.rssOf(tmp.resolve("none"))));
    }

    /** The live-heap probe: {@code jcmd PID GC.run} makes the JVM collect (this test's own JVM here). */
    @Test
    void shouldMakeAJvmCollect() {
        long before = collections();
        assertTrue(ClusterProbe.collect(ProcessHandle.current().pid()));
        assertTrue(collections() > before, "a collection ran");
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }
}
