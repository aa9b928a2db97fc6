package dev.streamrec.jobs.finetune;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.model.data.Interaction;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one fine-tuning round in a child JVM ({@code ModelCli finetune}, same classpath): the window
 * goes to a CSV, the child writes the candidate artifact, this side loads and verifies it. Training
 * must not share a JVM with serving: with DJL 0.36 / libtorch CPU, training in one thread while
 * another thread runs inference was reproduced to end in NaN weights (and a diverged round is
 * lost), so the stream job's process only ever infers. The round's files (window, child log) are
 * deleted after a success and kept, named in the error, after a failure.
 */
final class IsolatedFineTuning {

    /** A round that takes longer than this is killed (it would be stale anyway). */
    static final Duration TIMEOUT = Duration.ofMinutes(20);

    private IsolatedFineTuning() {}

    static ModelArtifact fineTune(ModelArtifact current, List<Interaction> window, String version, Path output,
            CliArgs options) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("streamrec-finetune-");
        Path csv = work.resolve("window.csv");
        Path log = work.resolve("finetune.log");
        writeWindow(csv, window);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true"));
        for (String p : List.of("ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ModelCli.class.getName(), "finetune",
                "--artifact", current.dir().toString(), "--window", csv.toString(), "--version", version,
                "--output", output.toString()));
        for (Map.Entry<String, String> o : options.options().entrySet()) {
            cmd.add("--" + o.getKey() + "=" + o.getValue());
        }
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!child.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("fine-tuning " + version + " took longer than " + TIMEOUT + "; log kept at " + log);
            }
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly().waitFor(); // timed out or interrupted
            }
        }
        if (child.exitValue() != 0) {
            throw new IOException("fine-tuning " + version + " failed (exit " + child.exitValue() + "): "
                    + lastLine(log) + "; log kept at " + log);
        }
        ModelArtifact candidate = ModelArtifact.load(output);
        Files.delete(csv);
        Files.delete(log);
        Files.delete(work);
        return candidate;
    }

    /** The window in the generic interactions CSV ({@code userId,itemId,timestamp,value}). */
    static void writeWindow(Path csv, List<Interaction> window) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("userId,itemId,timestamp,value\n");
            for (Interaction i : window) {
                w.write(quote(i.userId()) + "," + quote(i.itemId()) + "," + i.timestampMillis() + "," + i.value() + "\n");
            }
        }
    }

    private static String quote(String field) {
        boolean plain = field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0
                && field.indexOf('\r') < 0 && field.equals(field.trim());
        return plain ? field : '"' + field.replace("\"", "\"\"") + '"';
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank() && !lines.get(i).startsWith("\tat ")) {
                return lines.get(i).trim();
            }
        }
        return "(no output)";
    }
}
