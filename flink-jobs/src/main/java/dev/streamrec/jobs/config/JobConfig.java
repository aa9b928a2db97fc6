package dev.streamrec.jobs.config;

import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds the job's {@link Configuration}: defaults from {@link JobOptions}, then a config file
 * (flat YAML: {@code key: value} lines, {@code #} comments; lists comma-separated), then
 * command-line overrides ({@code -Dkey=value} or {@code --set key=value}).
 */
public final class JobConfig {

    private JobConfig() {}

    public static Configuration load(Path file, Map<String, String> overrides) throws IOException {
        Configuration conf = new Configuration();
        if (file != null) {
            parseInto(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString(), conf);
        }
        overrides.forEach((k, v) -> set(conf, k, v));
        return conf;
    }

    /** Sets a raw value; list options take commas (Flink's own list separator is ';'). */
    static void set(Configuration conf, String key, String value) {
        conf.setString(key, JobOptions.LIST_KEYS.contains(key) ? value.replace(',', ';') : value);
    }

    static void parseInto(List<String> lines, String source, Configuration conf) throws IOException {
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException(source + ":" + n + ": expected 'key: value', got: " + raw);
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            int hash = value.indexOf(" #");
            if (hash >= 0) {
                value = value.substring(0, hash).strip();
            }
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            set(conf, key, value);
        }
    }
}
