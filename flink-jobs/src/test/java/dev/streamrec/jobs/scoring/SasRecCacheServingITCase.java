package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.model.cli.ModelFamilies;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.UserStateful;
import dev.streamrec.schema.event.Prediction;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SASRec with rotary positions, trained here on a MovieLens slice (L = 6, two layers), served by
 * the real job through the broker and MiniCluster with {@code scoring.incremental-inference}: each
 * user's key/value cache lives in keyed state, the job keeps only the newest 3 items per user, and
 * the job fails and restores in the middle of the stream. Every served ranking equals model-core's
 * answer to the same request (the newest 3 items) with the cache model-core returned for the
 * user's previous event: the caches are stored in float16 between events, so this is the path
 * the job takes, and with 20 events per user (more than L) both the cache and the band matter.
 * Against the float32 whole-history function the served scores differ by the float16 rounding
 * (about 1e-4 here), which {@code IncrementalSequenceRecommenderTest} bounds.
 */
class SasRecCacheServingITCase {

    private static final int WINDOW = 3;

    private static EmbeddedKafkaBroker broker;
    @TempDir
    static Path tmp;
    private static Path sasrec;

    @BeforeAll
    static void setUp() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopics(1, TestJobs.ALL_TOPICS);
        Path csv = tmp.resolve("slice.csv");
        TestJobs.writeMovieLensSlice(csv, 4000);
        sasrec = tmp.resolve("sasrec");
        assertEquals(0, ModelCli.run("train", List.of("--model", "sasrec", "--positions", "rotary", "--data", csv.toString(),
                "--epochs", "1", "--dim", "16", "--max-len", "6", "--layers", "2", "--output", sasrec.toString())));
    }

    @AfterAll
    static void tearDown() {
        broker.close();
    }

    @Test
    void shouldServeTheKeyValueCacheOverTheWholeHistoryAcrossARestart() throws Exception {
        ModelArtifact artifact = ModelArtifact.load(sasrec);
        Configuration conf = TestJobs.isolatedConfig(broker, tmp.resolve("sasrec-cache"), "sasrec-cache");
        conf.set(JobOptions.MODELS, List.of("sasrec"));
        conf.set(JobOptions.ARTIFACTS, List.of(sasrec.toString()));
        conf.set(JobOptions.BATCH_SIZE, 4);
        conf.set(JobOptions.SEQUENCE_MAX_LENGTH, WINDOW);
        conf.set(JobOptions.INCREMENTAL_INFERENCE, true);
        conf.set(JobOptions.EXCLUDE_SEEN, false);
        int events = 80;
        conf.set(JobOptions.CHAOS_FAIL_AFTER, (long) events / 2 + 10);
        TestJobs.RoundRobinStream stream = TestJobs.RoundRobinStream.of("s", 4, events, artifact.items(), 11);
        Map<String, Prediction> served = TestJobs.onePredictionPerEvent(conf,
                new KafkaTestClient(broker.bootstrapServers()), stream.keys(), stream.values());
        try (Recommender model = ModelFamilies.forModel("sasrec").loadIncrementalRecommender(artifact, "cpu")) {
            assertTrue(model instanceof UserStateful, "a rotary artifact is served with the cache");
            UserStateful reference = (UserStateful) model;
            Map<String, byte[]> caches = new HashMap<>();
            for (int i = 0; i < events; i++) {
                String user = stream.keys().get(i);
                List<String> whole = stream.historyAt(i);
                List<String> window = whole.subList(Math.max(0, whole.size() - WINDOW), whole.size());
                Answer expected = reference.answer(List.of(new RecommendRequest(user, List.copyOf(window),
                        conf.get(JobOptions.TOP_K), false, caches.get(user)))).get(0);
                caches.put(user, expected.userState());
                TestJobs.assertServedRanking(expected.items(), served.get("s" + i), "event s" + i);
            }
        }
    }
}
