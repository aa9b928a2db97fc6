package dev.streamrec.jobs.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.local.ReplayEvents;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.schema.Topics;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric a Grafana panel queries is one the running job really exports, under the exact
 * name Flink's Prometheus reporter gives it ({@code flink_<logical scope>_<name>}, key-value groups
 * such as {@code model}/{@code version} in the scope, their values as labels). The names come from
 * the metric groups of a job that served and evaluated a short replay, not from reading the source,
 * so a metric registered in another group than a panel assumes is caught.
 */
class GrafanaPanelsITCase {

    private static final Path DASHBOARDS = Path.of("..", "docker", "grafana", "dashboards");
    private static final Pattern PANEL_METRIC = Pattern.compile("flink_[A-Za-z0-9_:]+");
    /** The Prometheus reporter's filter: anything but [a-zA-Z0-9:_] becomes '_'. */
    private static final CharacterFilter PROMETHEUS = s -> s.replaceAll("[^a-zA-Z0-9:_]", "_");

    @TempDir
    Path tmp;

    @Test
    void shouldOnlyQueryMetricsTheRunningJobExports() throws Exception {
        Set<String> exported = exportedByAJobThatServedAndEvaluated();
        int queried = 0;
        try (var files = Files.list(DASHBOARDS)) {
            for (Path d : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode dashboard = new ObjectMapper().readTree(d.toFile());
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        queried += check("panel '" + panel.path("title").asText() + "'", target.path("expr").asText(), exported);
                    }
                }
                for (JsonNode variable : dashboard.path("templating").path("list")) {
                    queried += check("variable '" + variable.path("name").asText() + "'",
                            variable.path("query").path("query").asText(), exported);
                }
            }
        }
        assertTrue(queried >= 12, "metric references in the dashboards: " + queried);
    }

    /** Asserts every metric in a PromQL expression is exported; returns how many it names. */
    private static int check(String where, String expr, Set<String> exported) {
        int n = 0;
        Matcher m = PANEL_METRIC.matcher(expr);
        while (m.find()) {
            n++;
            assertTrue(exported.contains(m.group()), where + " queries " + m.group()
                    + ", which the job does not export. Exported: "
                    + exported.stream().filter(e -> !e.contains("Kafka")).collect(Collectors.toCollection(TreeSet::new)));
        }
        return n;
    }

    private Set<String> exportedByAJobThatServedAndEvaluated() throws Exception {
        InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopics(1, TestJobs.ALL_TOPICS);
            Configuration conf = reporter.addToConfiguration(TestJobs.config(broker, tmp));
            JobClient job = TestJobs.start(conf);
            try {
                List<Interaction> events = ReplayEvents.load(null).subList(0, 600);
                KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
                kafka.produce(Topics.INTERACTIONS, events.stream().map(Interaction::userId).toList(),
                        ReplayEvents.encode(events, 0));
                EventCodec codec = new EventCodec();
                // Evaluation gauges exist once a model version was evaluated: wait for both models' running totals.
                kafka.readUntil(Topics.EVAL_METRICS, r -> r.stream().map(c -> codec.decodeEvalMetrics(c.value()))
                        .filter(m -> "running".equals(m.scope)).map((EvalMetrics m) -> m.model).distinct().count() >= 2,
                        Duration.ofSeconds(90));
                Set<String> names = new HashSet<>();
                for (Map.Entry<MetricGroup, Map<String, Metric>> g : reporter.getMetricsByGroup().entrySet()) {
                    String scope = ((AbstractMetricGroup) g.getKey()).getLogicalScope(PROMETHEUS, '_');
                    for (String metric : g.getValue().keySet()) {
                        names.add("flink_" + scope + "_" + PROMETHEUS.filterCharacters(metric));
                    }
                }
                return names;
            } finally {
                job.cancel().get();
            }
        }
    }
}
