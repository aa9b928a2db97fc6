package dev.streamrec.jobs.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One process of the cluster (the broker, the JobManager, a TaskManager), known by name: started as
 * a detached child JVM whose output goes to {@code log/NAME.out} and whose pid goes to
 * {@code pids/NAME.pid}, so another shell (or a later {@code cluster down}) finds it. A pid is only
 * trusted while its process's command line still names this cluster's run directory, so a stale pid
 * file never kills an unrelated process.
 */
public final class ClusterProcess {

    private final String name;
    private final Path runDir;

    public ClusterProcess(String name, Path runDir) {
        this.name = name;
        this.runDir = runDir;
    }

    public String name() {
        return name;
    }

    public Path pidFile() {
        return runDir.resolve("pids").resolve(name + ".pid");
    }

    public Path outFile() {
        return runDir.resolve("log").resolve(name + ".out");
    }

    /** Starts {@code command} unless this process is already running; returns its pid. */
    public long start(List<String> command) throws IOException {
        Optional<ProcessHandle> running = handle();
        if (running.isPresent()) {
            throw new IllegalStateException(name + " is already running (pid " + running.get().pid() + ")");
        }
        Files.createDirectories(pidFile().getParent());
        Files.createDirectories(outFile().getParent());
        Process p = new ProcessBuilder(command)
                .directory(runDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Files.writeString(pidFile(), Long.toString(p.pid()), StandardCharsets.UTF_8);
        return p.pid();
    }

    /** The running process, if its pid file names one of this cluster's processes that is alive. */
    public Optional<ProcessHandle> handle() {
        try {
            if (!Files.exists(pidFile())) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile(), StandardCharsets.UTF_8).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::ofThisCluster);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private boolean ofThisCluster(ProcessHandle h) {
        return h.info().commandLine().map(c -> c.contains(runDir.toString())).orElse(false);
    }

    public boolean isAlive() {
        return handle().isPresent();
    }

    /** {@code kill -9}: the process gets no chance to clean up. Waits until it is gone. */
    public void kill() throws InterruptedException {
        Optional<ProcessHandle> h = handle();
        if (h.isPresent()) {
            h.get().destroyForcibly();
            awaitExit(h.get(), 30);
        }
    }

    /** {@code kill} (SIGTERM), then {@code kill -9} after {@code graceSeconds}. */
    public void stop(int graceSeconds) throws InterruptedException {
        Optional<ProcessHandle> h = handle();
        if (h.isPresent()) {
            h.get().destroy();
            if (!awaitExit(h.get(), graceSeconds)) {
                h.get().destroyForcibly();
                awaitExit(h.get(), 30);
            }
        }
    }

    private static boolean awaitExit(ProcessHandle h, int seconds) throws InterruptedException {
        try {
            h.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !h.isAlive();
        }
    }
}
