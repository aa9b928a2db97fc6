package dev.streamrec.jobs.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.streamrec.jobs.eval.EvalTotals;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment files are checked without a Docker engine: every Grafana panel queries a metric
 * the job really registers, and the compose and Kubernetes files parse and hold what a real cluster
 * needs (pinned images, topic creation with explicit partitions, a GPU task manager).
 */
class DeploymentFilesTest {

    private static final Path DOCKER = Path.of("..", "docker");
    private static final Pattern PANEL_METRIC =
            Pattern.compile("flink_taskmanager_job_task_operator_(?:model_version_)?([A-Za-z0-9]+)");
    private static final Pattern REGISTERED =
            Pattern.compile("\\.(?:counter|gauge|histogram|meter)\\(\\s*\"([A-Za-z0-9]+)\"");

    /** Names the job's code registers: literal registrations plus the evaluation gauges' derived names. */
    static Set<String> registeredMetrics() throws IOException {
        Set<String> names = new HashSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = REGISTERED.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        // EvalAggregationFunction registers one gauge per metric name, lower-cased without '@'.
        for (String metric : new EvalTotals(new int[] {10, 20}).means().keySet()) {
            names.add(metric.toLowerCase(Locale.ROOT).replace("@", ""));
        }
        // The Kafka source's standard (FLIP-33) consumer-lag gauge, registered by the connector;
        // GrafanaPanelsITCase checks every panel against the metrics a running job exports.
        names.add("pendingRecords");
        return names;
    }

    @Test
    void shouldOnlyChartMetricsTheJobExports() throws IOException {
        Set<String> registered = registeredMetrics();
        List<Path> dashboards;
        try (Stream<Path> s = Files.walk(DOCKER.resolve("grafana"))) {
            dashboards = s.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertFalse(dashboards.isEmpty());
        int panels = 0;
        for (Path d : dashboards) {
            JsonNode json = new ObjectMapper().readTree(d.toFile());
            if (!json.has("panels")) {
                continue;
            }
            for (JsonNode panel : json.get("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    Matcher m = PANEL_METRIC.matcher(expr);
                    assertTrue(m.find(), d + ": panel '" + panel.path("title").asText() + "' queries no job metric: " + expr);
                    do {
                        assertTrue(registered.contains(m.group(1)),
                                "panel '" + panel.path("title").asText() + "' uses " + m.group(1) + ", not registered by the job");
                    } while (m.find());
                    panels++;
                }
            }
        }
        assertTrue(panels >= 6, "panel queries: " + panels);
    }

    @Test
    void shouldDescribeARealClusterInCompose() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode compose = yaml.readTree(DOCKER.resolve("docker-compose.yml").toFile());
        JsonNode services = compose.get("services");
        for (String s : List.of("kafka", "kafka-init", "jobmanager", "taskmanager", "taskmanager-gpu", "client",
                "prometheus", "grafana")) {
            assertTrue(services.has(s), "service " + s);
        }
        services.fields().forEachRemaining(e -> {
            String image = e.getValue().path("image").asText("");
            if (!image.isEmpty()) {
                assertTrue(image.contains(":") && !image.endsWith(":latest"), e.getKey() + " image not pinned: " + image);
            }
        });
        String init = services.get("kafka-init").toString();
        assertTrue(init.contains("--partitions"), "topics created with explicit partitions");
        JsonNode gpu = services.get("taskmanager-gpu").path("deploy").path("resources").path("reservations").path("devices");
        assertTrue(gpu.isArray() && gpu.size() > 0, "GPU device reservation");
        assertTrue(gpu.toString().contains("gpu"), gpu.toString());

        JsonNode k8s = yaml.readTree(DOCKER.resolve("k8s").resolve("flink-deployment.yaml").toFile());
        assertEquals("FlinkDeployment", k8s.path("kind").asText());
        assertTrue(k8s.toString().contains("nvidia.com/gpu"), "GPU task managers in the FlinkDeployment");
    }
}
