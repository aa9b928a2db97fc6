package dev.streamrec.model.stress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts a {@link StressChild} in a new JVM (this JVM's {@code java} and class path), waits for it
 * with a timeout, and says what happened: exit code, whether it crashed (a fatal-error log appeared:
 * the child writes {@code hs_err_pid*.log} into its run directory) and where, and what its output
 * reported ({@link ChildLog}). The output goes to {@code run.log} in the run directory.
 */
final class ChildJvm {

    /** How one run ended. {@code crashFrame} is null when no fatal-error log was written. */
    record Outcome(int exitCode, boolean timedOut, String crashFrame, ChildLog log, double seconds, Path logFile) {

        boolean crashed() {
            return crashFrame != null;
        }

        /** Neither crashed nor timed out, yet the command failed (an exception, a bad option). */
        boolean failed() {
            return !crashed() && !timedOut && exitCode != 0;
        }
    }

    private final StressOptions options;

    ChildJvm(StressOptions options) {
        this.options = options;
    }

    Outcome run(List<String> command, Path runDir) throws IOException, InterruptedException {
        Files.createDirectories(runDir);
        Path logFile = runDir.resolve("run.log");
        List<String> jvm = new ArrayList<>();
        jvm.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        jvm.add("-Xmx" + options.heap());
        jvm.add("-XX:ErrorFile=" + runDir.resolve("hs_err_pid%p.log"));
        if (options.xcheckJni()) {
            jvm.add("-Xcheck:jni");
        }
        jvm.add("-Dai.djl.offline=true");
        jvm.add("-Dai.djl.default_engine=PyTorch");
        jvm.add("-cp");
        jvm.add(System.getProperty("java.class.path"));
        jvm.add(StressChild.class.getName());
        jvm.add(Long.toString(options.gcEveryMillis()));
        jvm.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(jvm).redirectErrorStream(true).redirectOutput(logFile.toFile());
        // libtorch's OpenMP threads spin-wait by default: one thread each on the shared cores
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        long start = System.nanoTime();
        Process p = pb.start();
        // a stress command stopped by Ctrl-C or kill takes its running child with it
        Thread reaper = new Thread(p::destroyForcibly, "stress-child-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        boolean done;
        try {
            done = p.waitFor(options.timeoutSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: nothing left to undo
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // lenient decoding: a crashing child may leave a torn line
        List<String> lines = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
        return new Outcome(p.exitValue(), !done, crashFrame(runDir), ChildLog.parse(lines), seconds, logFile);
    }

    /** The problematic frame of the run's fatal-error log, "" when it names none, null without a log. */
    private static String crashFrame(Path runDir) throws IOException {
        try (Stream<Path> files = Files.list(runDir)) {
            Path hsErr = files.filter(f -> f.getFileName().toString().startsWith("hs_err_pid")).findFirst().orElse(null);
            if (hsErr == null) {
                return null;
            }
            // fatal-error logs are mostly ASCII but may hold any byte: read them leniently
            String text = new String(Files.readAllBytes(hsErr), StandardCharsets.ISO_8859_1);
            return ChildLog.problematicFrame(text.lines().toList());
        }
    }
}
