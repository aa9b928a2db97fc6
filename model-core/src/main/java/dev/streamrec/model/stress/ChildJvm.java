package dev.streamrec.model.stress;

import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Starts a stress child ({@link StressChild}, {@link ServingStressChild}) in a new JVM (this JVM's
 * {@code java} and class path, with the forced-collection interval as its first argument), waits
 * for it with a timeout, and says what happened: exit code, whether it crashed (a fatal-error log
 * appeared: the child writes {@code hs_err_pid*.log} into its run directory) and where, and its
 * output lines. The output goes to {@code run.log} in the run directory, which starts empty.
 */
final class ChildJvm {

    /**
     * How every child JVM runs.
     *
     * @param heap its {@code -Xmx}
     * @param xcheckJni run it with {@code -Xcheck:jni}
     * @param gcEveryMillis it calls {@code System.gc()} this often ({@link ForcedCollections}; 0 = never)
     */
    record Settings(String heap, boolean xcheckJni, long gcEveryMillis) {

        /** Declares {@code --xcheck-jni}, {@code --gc-every} and {@code --heap} (default {@code heap}) on a stress command. */
        static void declare(CommandOptions command, String heap) {
            command.flag("xcheck-jni", false, "Run each child JVM with -Xcheck:jni.")
                    .longInteger("gc-every", 200, "System.gc() in each child every N ms (0 = off).")
                    .text("heap", heap, "SIZE", "The children's -Xmx.");
        }

        static Settings parse(CliArgs a) {
            return new Settings(a.get("heap"), a.getBoolean("xcheck-jni"), a.getLong("gc-every"));
        }

        /** The options {@link #parse} reads back. */
        List<String> toArgs() {
            List<String> args = new ArrayList<>(List.of("--gc-every", Long.toString(gcEveryMillis), "--heap", heap));
            if (xcheckJni) {
                args.add("--xcheck-jni");
            }
            return args;
        }
    }

    /**
     * How one run ended. {@code crashFrame} is null when no fatal-error log was written; {@code log}
     * is what the output says in a training child's terms ({@link StressChild}: skipped steps, the
     * weight check), read once from {@code lines}.
     */
    record Outcome(int exitCode, boolean timedOut, String crashFrame, List<String> lines, ChildLog log, double seconds,
            Path logFile) {

        /** The outcome of a child whose output is {@code lines}. */
        Outcome(int exitCode, boolean timedOut, String crashFrame, List<String> lines, double seconds, Path logFile) {
            this(exitCode, timedOut, crashFrame, lines, ChildLog.parse(lines), seconds, logFile);
        }

        boolean crashed() {
            return crashFrame != null;
        }

        /** Neither crashed nor timed out, yet the command failed (an exception, a bad option). */
        boolean failed() {
            return !crashed() && !timedOut && exitCode != 0;
        }
    }

    private final Settings options;

    ChildJvm(Settings options) {
        this.options = options;
    }

    /** {@link #run(Class, List, Path, long, Consumer)} without following the output. */
    Outcome run(Class<?> main, List<String> args, Path runDir, long timeoutSeconds) throws IOException, InterruptedException {
        return run(main, args, runDir, timeoutSeconds, line -> {});
    }

    /**
     * Runs {@code main} with {@code GC_EVERY_MS args...} in {@code runDir} (deleted first, so that no
     * earlier fatal-error log is taken for this run's); each output line goes to {@code onLine}
     * about once a second while the child runs. A child alive after {@code timeoutSeconds} is killed.
     */
    Outcome run(Class<?> main, List<String> args, Path runDir, long timeoutSeconds, Consumer<String> onLine)
            throws IOException, InterruptedException {
        deleteRecursively(runDir);
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
        jvm.add(main.getName());
        jvm.add(Long.toString(options.gcEveryMillis()));
        jvm.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(jvm).redirectErrorStream(true).redirectOutput(logFile.toFile());
        // libtorch's OpenMP threads spin-wait by default: one thread each on the shared cores
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        long start = System.nanoTime();
        Process p = pb.start();
        // a stress command stopped by Ctrl-C or kill takes its running child with it
        Thread reaper = new Thread(p::destroyForcibly, "stress-child-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        LogTail tail = new LogTail(logFile, onLine);
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        boolean done = false;
        try {
            while (!done && System.nanoTime() < deadline) {
                done = p.waitFor(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                        TimeUnit.MILLISECONDS);
                tail.poll();
            }
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
        return new Outcome(p.exitValue(), !done, crashFrame(runDir), lines, seconds, logFile);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
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
