package dev.streamrec.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterJvmsTest {

    @TempDir
    Path dir;

    /** TaskManagers start with bounded malloc arenas (unless the environment sets its own); the JobManager as Flink starts it. */
    @Test
    void taskManagersRunWithBoundedMallocArenas() throws Exception {
        ClusterJvms jvms = jvms(ClusterSettings.defaults(dir.resolve("run")));

        List<String> tm = jvms.taskManager("taskmanager-1");
        int env = tm.indexOf("/usr/bin/env");
        assertTrue(env >= 0, String.join(" ", tm));
        String arenas = System.getenv().getOrDefault("MALLOC_ARENA_MAX", ClusterJvms.TASK_MANAGER_MALLOC_ARENAS);
        assertEquals("MALLOC_ARENA_MAX=" + arenas, tm.get(env + 1));
        assertTrue(tm.get(env + 2).endsWith("/bin/java"), tm.get(env + 2));
        assertTrue(tm.contains(ClusterJvms.TASK_MANAGER_MAIN));
        assertTrue(tm.stream().anyMatch(a -> a.startsWith("-Xmx")), "Flink's memory model sets the heap");

        assertFalse(jvms.jobManager().contains("/usr/bin/env"));
    }

    /** Every process writes a GC log in the log directory (the soak judges the heap after collections by it). */
    @Test
    void everyProcessWritesAGcLog() throws Exception {
        ClusterSettings settings = ClusterSettings.defaults(dir.resolve("run"));
        ClusterJvms jvms = jvms(settings);
        String gc = "-Xlog:gc:file=" + settings.logDir().resolve("taskmanager-2-gc.log");
        assertTrue(jvms.taskManager("taskmanager-2").stream().anyMatch(a -> a.startsWith(gc)));
        assertTrue(jvms.jobManager().stream().anyMatch(a -> a.startsWith("-Xlog:gc:file=")));
        assertTrue(jvms.broker().stream().anyMatch(a -> a.startsWith("-Xlog:gc:file=")));
    }

    /**
     * config.yaml's JVM options reach the processes as Flink's scripts pass them: all processes' and each
     * role's own; the TaskManagers' heap is touched at start, the JobManager's is not, and the
     * TaskManagers have the Vector API (SIMD attention).
     */
    @Test
    void processesGetTheJvmOptionsOfTheirRole() throws Exception {
        ClusterJvms jvms = jvms(ClusterSettings.defaults(dir.resolve("run")));
        List<String> tm = jvms.taskManager("taskmanager-1");
        List<String> jm = jvms.jobManager();
        assertTrue(tm.contains("-XX:+AlwaysPreTouch"), String.join(" ", tm));
        assertFalse(jm.contains("-XX:+AlwaysPreTouch"), String.join(" ", jm));
        assertTrue(tm.indexOf("-XX:+AlwaysPreTouch") < tm.indexOf(ClusterJvms.TASK_MANAGER_MAIN));
        assertTrue(tm.indexOf("--add-modules=jdk.incubator.vector") < tm.indexOf(ClusterJvms.TASK_MANAGER_MAIN),
                String.join(" ", tm));
        assertTrue(jm.contains("--add-opens=java.base/java.util=ALL-UNNAMED") && tm.contains("--add-opens=java.base/java.util=ALL-UNNAMED"));
    }

    private ClusterJvms jvms(ClusterSettings settings) throws Exception {
        FlinkConfigFile.write(settings);
        return new ClusterJvms(settings, Files.createDirectories(dir.resolve("lib")));
    }
}
