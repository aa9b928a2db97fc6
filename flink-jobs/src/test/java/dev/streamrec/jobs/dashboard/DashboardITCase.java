package dev.streamrec.jobs.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.config.KafkaClientProperties;
import dev.streamrec.jobs.local.ReplayEvents;
import dev.streamrec.jobs.testutil.HeadlessChromium;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.schema.Topics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless browser: the job runs on the in-JVM broker and a MiniCluster,
 * a short MovieLens replay goes in, and chromium must show the charts with data points and the
 * model-version table, and the champion (popularity) vs challenger (co-occurrence) comparison:
 * per-window NDCG@10 differences and the paired test's p-value. Also writes
 * {@code target/dashboard.png} (the screenshot in docs/img).
 * Skipped when chromium is not installed.
 */
class DashboardITCase {

    private static final Pattern POINTS = Pattern.compile("id=\"points-([a-z0-9]+)\"[^>]*>(\\d+)<");
    private static final Pattern P_VALUE = Pattern.compile("class=\"num pvalue\">([0-9.]+)<");

    @TempDir
    Path tmp;

    @Test
    void shouldShowLiveChartsInAHeadlessBrowser() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find();
        assumeTrue(chromium != null, "chromium is not installed (apt-get install -y chromium)");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopics(2, TestJobs.ALL_TOPICS);
            Configuration conf = TestJobs.config(broker, tmp);
            JobClient job = TestJobs.start(conf);
            try (DashboardServer dashboard = DashboardServer.start(KafkaClientProperties.from(conf), DashboardTopics.of(conf),
                    DashboardServer.DEFAULT_HOST, 0)) {
                List<Interaction> events = ReplayEvents.load(null).subList(0, 6000);
                List<byte[]> values = ReplayEvents.encode(events, 0);
                List<String> keys = events.stream().map(Interaction::userId).collect(Collectors.toList());
                List<byte[]> bad = List.of("{not json".getBytes(), "{\"userId\":\"u\"}".getBytes());
                KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
                kafka.produce(Topics.INTERACTIONS, keys.subList(0, 3000), values.subList(0, 3000));
                kafka.produce(Topics.INTERACTIONS, List.of("u", "u"), bad);
                kafka.produce(Topics.INTERACTIONS, keys.subList(3000, 6000), values.subList(3000, 6000));

                JsonNode snapshot = awaitData(dashboard.url() + "api/snapshot", Duration.ofSeconds(90));
                assertTrue(snapshot.get("totals").get("deadLetters").asLong() >= 2, snapshot.toString());

                String dom = chromium.dumpDom(dashboard.url(), 5000);
                Matcher m = POINTS.matcher(dom);
                int charts = 0;
                while (m.find()) {
                    charts++;
                    assertTrue(Integer.parseInt(m.group(2)) > 0, "chart " + m.group(1) + " shows no data:\n" + dom);
                }
                assertEquals(7, charts, dom);
                assertTrue(dom.contains("class=\"version-row\""), dom);
                assertTrue(dom.contains("popularity") && dom.contains("cooccurrence"), dom);
                assertTrue(dom.contains(">champion<") && dom.contains(">challenger<"), dom);
                assertTrue(dom.contains("class=\"comparison-row\"><td>cooccurrence</td>"), dom);
                Matcher p = P_VALUE.matcher(dom);
                assertTrue(p.find(), "the comparison shows a p-value:\n" + dom);
                double pValue = Double.parseDouble(p.group(1));
                assertTrue(pValue >= 0 && pValue <= 1, "p = " + pValue);

                chromium.screenshot(dashboard.url(), Path.of("target", "dashboard.png"), 1400, 1100, 5000);
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * Polls the snapshot until every chart has something to draw (>= 2 windows per model, and a
     * champion-vs-challenger comparison over >= 2 windows with its p-value).
     */
    private static JsonNode awaitData(String url, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        JsonNode s = null;
        while (System.currentTimeMillis() < deadline) {
            s = json.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body());
            boolean windows = s.get("quality").size() >= 2;
            for (JsonNode series : s.get("quality")) {
                windows &= series.get("points").size() >= 2;
            }
            boolean compared = false;
            for (JsonNode c : s.get("comparisons")) {
                compared |= c.get("points").size() >= 2 && c.get("test").has("NDCG@10.p");
            }
            if (windows && compared && s.get("ops").size() > 0 && s.get("versions").size() >= 2
                    && s.get("totals").get("deadLetters").asLong() >= 2) {
                return s;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the dashboard got no data in " + timeout + ": " + s);
    }
}
