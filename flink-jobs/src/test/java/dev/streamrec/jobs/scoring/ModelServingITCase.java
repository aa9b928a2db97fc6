package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.ModelFamilies;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.schema.Topics;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trained model (SASRec, trained here on a MovieLens slice) served by the real job through the
 * broker and MiniCluster with micro-batching: the predictions equal model-core's own scores for the
 * same sequences; a model update swaps the version mid-stream without losing or duplicating an
 * event; a corrupt artifact is rejected and the old version keeps serving.
 */
class ModelServingITCase {

    private static EmbeddedKafkaBroker broker;
    @TempDir
    static Path tmp;
    private static Path v1;
    private static Path v2;

    @BeforeAll
    static void setUp() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopics(1, TestJobs.ALL_TOPICS);
        Path csv = tmp.resolve("slice.csv");
        TestJobs.writeMovieLensSlice(csv, 4000);
        v1 = TestJobs.trainTinySasRec(csv, tmp.resolve("v1"), 1);
        Thread.sleep(1100); // versions carry the training time to the second
        v2 = TestJobs.trainTinySasRec(csv, tmp.resolve("v2"), 2);
    }

    @AfterAll
    static void tearDown() {
        broker.close();
    }

    private static byte[] event(String id, String user, String item, long ts) {
        return TestJobs.event(id, user, item, ts);
    }

    @Test
    void shouldServeModelCoreScoresAndSwapVersionsMidStream() throws Exception {
        ModelArtifact a1 = ModelArtifact.load(v1);
        ModelArtifact a2 = ModelArtifact.load(v2);
        assertFalse(a1.version().equals(a2.version()));
        Configuration conf = TestJobs.config(broker, tmp.resolve("job"));
        conf.set(JobOptions.MODELS, List.of("sasrec"));
        conf.set(JobOptions.ARTIFACTS, List.of(v1.toString()));
        conf.set(JobOptions.BATCH_SIZE, 16);
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        EventCodec codec = new EventCodec();
        JobClient job = TestJobs.start(conf);
        Map<String, List<String>> historyAfter = new HashMap<>();
        Map<String, List<String>> sequences = new HashMap<>();
        try {
            // Phase 1: served by v1.
            int n = 0;
            List<String> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                for (int u = 0; u < 12; u++) {
                    String user = "user" + u;
                    String item = a1.items().idAt(1 + (u * 37 + round * 11) % a1.items().size());
                    String id = "p1-" + n++;
                    keys.add(user);
                    values.add(event(id, user, item, 1_000_000L + n * 1000L));
                    List<String> seq = sequences.computeIfAbsent(user, k -> new ArrayList<>());
                    seq.add(item);
                    historyAfter.put(id, new ArrayList<>(seq));
                }
            }
            kafka.produce(Topics.INTERACTIONS, keys, values);
            int phase1 = n;
            List<ConsumerRecord<byte[], byte[]>> got = kafka.readUntil(Topics.PREDICTIONS, r -> r.size() >= phase1,
                    Duration.ofSeconds(90));
            assertEquals(phase1, got.size());
            try (Recommender reference = ModelFamilies.forModel("sasrec").loadRecommender(a1, "cpu")) {
                for (ConsumerRecord<byte[], byte[]> r : got) {
                    Prediction p = codec.decodePrediction(r.value());
                    assertEquals(a1.version(), p.modelVersion);
                    List<ScoredItem> expected = reference.recommend(List.of(
                            new RecommendRequest(p.userId, historyAfter.get(p.eventId), 20, true))).get(0);
                    TestJobs.assertServedRanking(expected, p, p.eventId);
                }
            }

            // Phase 2: a corrupt artifact is announced (rejected), then v2 (served), while events flow.
            Path corrupt = tmp.resolve("corrupt");
            copyDir(v2, corrupt);
            Path weights;
            try (var files = Files.walk(corrupt)) {
                weights = files.filter(p -> p.toString().endsWith(".params")).findFirst().orElseThrow();
            }
            byte[] w = Files.readAllBytes(weights);
            w[w.length / 2] ^= 0x5A;
            Files.write(weights, w);
            announce(kafka, codec, new ModelUpdate("sasrec", "broken", corrupt.toUri().toString(), a2.sha256(), "deploy", 1L));
            announce(kafka, codec, new ModelUpdate("sasrec", a2.version(), v2.toUri().toString(), a2.sha256(), "deploy", 2L));
            Set<String> ids = new HashSet<>();
            for (int batch = 0; batch < 10; batch++) {
                keys.clear();
                values.clear();
                for (int u = 0; u < 12; u++) {
                    String id = "p2-" + n++;
                    ids.add(id);
                    keys.add("user" + u);
                    values.add(event(id, "user" + u, a1.items().idAt(1 + (n * 13) % a1.items().size()), 1_000_000L + n * 1000L));
                }
                kafka.produce(Topics.INTERACTIONS, keys, values);
                Thread.sleep(300);
            }
            // The swap happens off the hot path whenever the load finishes: keep events flowing until
            // the new version answers (bounded), as a live stream would.
            long deadline = System.currentTimeMillis() + 90_000;
            boolean swapped = false;
            while (!swapped && System.currentTimeMillis() < deadline) {
                String id = "p3-" + n++;
                ids.add(id);
                kafka.produce(Topics.INTERACTIONS, List.of("user0"),
                        List.of(event(id, "user0", a1.items().idAt(1 + (n * 7) % a1.items().size()), 1_000_000L + n * 1000L)));
                Thread.sleep(500);
                swapped = kafka.readFor(Topics.PREDICTIONS, Duration.ofMillis(300)).stream()
                        .anyMatch(r -> codec.decodePrediction(r.value()).modelVersion.equals(a2.version()));
            }
            int total = n;
            kafka.readUntil(Topics.PREDICTIONS, r -> r.size() >= total, Duration.ofSeconds(90));
            Thread.sleep(1000);
            List<ConsumerRecord<byte[], byte[]>> all = kafka.readFor(Topics.PREDICTIONS, Duration.ofSeconds(2));
            Map<String, Integer> perEvent = new HashMap<>();
            Set<String> versions = new HashSet<>();
            String lastVersion = null;
            for (ConsumerRecord<byte[], byte[]> r : all) {
                Prediction p = codec.decodePrediction(r.value());
                perEvent.merge(p.eventId, 1, Integer::sum);
                if (ids.contains(p.eventId)) {
                    versions.add(p.modelVersion);
                    lastVersion = p.modelVersion;
                }
            }
            assertEquals(total, perEvent.size(), "every event answered");
            perEvent.forEach((id, c) -> assertEquals(1, c, "answers for " + id));
            assertFalse(versions.contains("broken"), "the corrupt artifact was served: " + versions);
            assertEquals(a2.version(), lastVersion, "the new version serves after the swap: " + versions);
            assertTrue(versions.stream().allMatch(v -> v.equals(a1.version()) || v.equals(a2.version())), versions.toString());
        } finally {
            job.cancel().get();
        }
    }

    private static void announce(KafkaTestClient kafka, EventCodec codec, ModelUpdate u) {
        kafka.produce(Topics.MODEL_UPDATES, List.of(u.model), List.of(codec.encodeModelUpdate(u)));
    }

    private static void copyDir(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
