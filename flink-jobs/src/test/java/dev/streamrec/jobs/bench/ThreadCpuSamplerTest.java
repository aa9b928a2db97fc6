package dev.streamrec.jobs.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ThreadCpuSamplerTest {

    @Test
    void foldsDigitsInThreadNames() {
        assertEquals("model-inference-N", ThreadCpuSampler.group("model-inference-0"));
        assertEquals("rocksdb:low", ThreadCpuSampler.group("rocksdb:low"));
    }

    @Test
    void attributesABusyThreadsCpuToItsGroup() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc only");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] used = new long[1];
        try (ThreadCpuSampler sampler = ThreadCpuSampler.start(50)) {
            Thread.sleep(120);
            long from = System.currentTimeMillis();
            // Spin until the thread itself has used 400 ms of CPU (however long that takes on a
            // loaded machine), so the expected amount does not depend on what else runs.
            Thread busy = new Thread(() -> {
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                double x = 0;
                while (mx.getCurrentThreadCpuTime() < 400_000_000L) {
                    x += Math.sqrt(x + 1);
                }
                used[0] = mx.getCurrentThreadCpuTime();
                if (x < 0) {
                    System.out.println(x);
                }
            }, "busy-worker-7");
            busy.start();
            busy.join();
            Thread.sleep(120);
            sampler.report(from, System.currentTimeMillis(), 10, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }
        String report = bytes.toString(StandardCharsets.UTF_8);
        String row = report.lines().filter(l -> l.startsWith("busy-worker-N")).findFirst().orElse("");
        assertTrue(!row.isEmpty(), "no busy-worker-N group in\n" + report);
        double seconds = Double.parseDouble(row.trim().split("\\s+")[1]);
        // the sampler reads /proc every 50 ms: it sees all of the thread's CPU but the last sample's worth
        assertTrue(seconds >= used[0] / 1e9 - 0.1 && seconds <= used[0] / 1e9 + 0.05,
                "busy-worker-N " + seconds + " s, the thread used " + used[0] / 1e9 + " s\n" + report);
    }
}
