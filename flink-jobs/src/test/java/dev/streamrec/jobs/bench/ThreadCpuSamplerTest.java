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
        try (ThreadCpuSampler sampler = ThreadCpuSampler.start(50)) {
            Thread.sleep(120);
            long from = System.currentTimeMillis();
            Thread busy = new Thread(() -> {
                long end = System.nanoTime() + 600_000_000L;
                double x = 0;
                while (System.nanoTime() < end) {
                    x += Math.sqrt(x + 1);
                }
                if (x < 0) {
                    System.out.println(x);
                }
            }, "busy-worker-7");
            busy.start();
            busy.join();
            Thread.sleep(120);
            sampler.report(from, System.currentTimeMillis(), 3, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }
        String report = bytes.toString(StandardCharsets.UTF_8);
        String top = report.lines().skip(2).findFirst().orElse("");
        assertTrue(top.startsWith("busy-worker-N"), report);
    }
}
