package dev.streamrec.jobs.cluster;

import dev.streamrec.jobs.config.JobConfig;
import dev.streamrec.jobs.config.JobOptions;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's configuration on a process cluster, {@code job.yaml} in the run directory, which the
 * submitted {@code streamrec-job.jar} reads ({@code --config}): a base file (normally
 * {@code config/cluster.yaml}, the compose cluster's) followed by what this cluster decides, which
 * wins because later lines override earlier ones: the broker's address, the checkpoint directory and
 * interval, and a parallelism of every slot. Extra {@code key: value} settings come last. A changed
 * version of the job ({@link #changed}) is that file with more lines at its end.
 */
public final class ClusterJobConfig {

    private ClusterJobConfig() {}

    /** The base file when none is given: {@code config/cluster.yaml} when run from the repository root, else none. */
    public static Path defaultBase() {
        Path base = Path.of("config", "cluster.yaml");
        return Files.exists(base) ? base : null;
    }

    /** Writes {@code job.yaml}; {@code base} may be null (the job's defaults). Returns its path. */
    public static Path write(ClusterSettings s, Path base, Map<String, String> extra) throws IOException {
        StringBuilder yaml = new StringBuilder();
        if (base != null) {
            yaml.append("# ---- from ").append(base.toAbsolutePath()).append('\n');
            yaml.append(Files.readString(base, StandardCharsets.UTF_8)).append('\n');
        }
        yaml.append("# ---- this process cluster (streamrec.jar cluster up)\n");
        Map<String, String> own = new LinkedHashMap<>();
        own.put(JobOptions.BOOTSTRAP_SERVERS.key(), s.bootstrapServers());
        own.put(JobOptions.CHECKPOINT_DIR.key(), s.checkpointDir().toUri().toString());
        own.put(JobOptions.CHECKPOINT_INTERVAL.key(), s.checkpointInterval().toMillis() + " ms");
        own.put(JobOptions.PARALLELISM.key(), String.valueOf(s.parallelism()));
        own.putAll(extra);
        own.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Path file = s.runDir().resolve("job.yaml");
        Files.createDirectories(s.runDir());
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * Writes {@code job-NAME.yaml} beside {@code jobYaml}: its lines followed by {@code changes},
     * which override them (a job resubmitted from a savepoint with another configuration). Returns
     * its path.
     */
    public static Path changed(Path jobYaml, String name, Map<String, String> changes) throws IOException {
        StringBuilder yaml = new StringBuilder(Files.readString(jobYaml, StandardCharsets.UTF_8));
        yaml.append("# ---- changed: ").append(name).append('\n');
        changes.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Path file = jobYaml.resolveSibling("job-" + name + ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /** The program arguments of {@code streamrec-job.jar} for a written {@code job.yaml}. */
    public static List<String> programArgs(Path jobYaml) {
        return List.of("--config", jobYaml.toAbsolutePath().toString());
    }

    /** The job configuration a written {@code job.yaml} gives (its topics, partitions, models). */
    public static Configuration read(Path jobYaml) throws IOException {
        return JobConfig.load(jobYaml, Map.of());
    }
}
