package dev.streamrec.jobs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The build's dependency rule inside flink-jobs: the tools (local mode, embedded broker, dashboard,
 * benchmarks, fine-tuning loop, CLI, cluster launcher) may use the job, the job never uses a tool.
 *
 * <p>It reads the main sources, so a job class that imports (or names in full) a class of a tool
 * package fails the unit tests, and so does a new package that is neither a job nor a tool package.
 */
class JobDependencyRuleTest {

    private static final Path ROOT = Path.of("src/main/java/dev/streamrec/jobs");

    /** The job: {@code RecommenderJob} (the root package) and what it wires. */
    static final Set<String> JOB_PACKAGES =
            Set.of("", "config", "eval", "functions", "scoring", "sinks", "sources", "state");

    /** The tools around the job. */
    static final Set<String> TOOL_PACKAGES =
            Set.of("bench", "cli", "cluster", "dashboard", "deploy", "finetune", "kafka", "local", "soak");

    private static final Pattern TOOL_REFERENCE = Pattern.compile(
            "dev\\.streamrec\\.jobs\\.(" + String.join("|", TOOL_PACKAGES) + ")\\b");

    @Test
    void shouldClassifyEveryPackageAsJobOrTool() throws IOException {
        Set<String> unclassified = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .map(JobDependencyRuleTest::packageOf)
                    .filter(p -> !JOB_PACKAGES.contains(p) && !TOOL_PACKAGES.contains(p))
                    .forEach(unclassified::add);
        }
        assertEquals(Set.of(), unclassified,
                "packages under dev.streamrec.jobs that are neither job nor tool: add them to "
                        + "JOB_PACKAGES or TOOL_PACKAGES");
    }

    @Test
    void shouldKeepTheJobFreeOfTools() throws IOException {
        List<String> offenders = new ArrayList<>();
        int jobFiles = 0;
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                if (!JOB_PACKAGES.contains(packageOf(file))) {
                    continue;
                }
                jobFiles++;
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = TOOL_REFERENCE.matcher(lines.get(i));
                    if (m.find()) {
                        offenders.add(ROOT.relativize(file) + ":" + (i + 1) + " uses tool package "
                                + m.group(1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertTrue(jobFiles > 20, "the job's sources were not found under " + ROOT.toAbsolutePath());
        assertEquals(List.of(), offenders, "the job must not depend on its tools");
    }

    private static String packageOf(Path file) {
        Path dir = ROOT.relativize(file).getParent();
        return dir == null ? "" : dir.toString().replace(java.io.File.separatorChar, '.');
    }
}
