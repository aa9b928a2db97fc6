package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.kafka.EmbeddedKafkaBroker;
import dev.streamrec.jobs.testutil.KafkaTestClient;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.baseline.DecayedPopularity;
import dev.streamrec.model.bm3.Bm3Recommender;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.model.cli.ModelFamilies;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ModalityFeatures;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.schema.event.ItemFeatures;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BM3 (champion) and KDSR's GRU4Rec backbone (challenger), trained here on a MovieLens slice with
 * generated two-modality features, served side by side by the real job through the broker and
 * MiniCluster with micro-batching: every prediction of each model equals model-core's own answer
 * for the same events — for BM3 including its incremental user update (model-core is fed the same
 * events in the same order, and the job keeps only the newest few items per user, so the edges
 * beyond them come from BM3's per-user keyed state); a brand-new item published on {@code item-features} is recommended by
 * BM3 at once through its modality projection.
 *
 * <p>Each test user draws items from a pool of its own that no test user rated in the slice, so a
 * BM3 update for one user (item degrees) cannot change another's scores: the comparison does not
 * depend on where the batch boundaries fall.
 */
class Bm3AndGru4RecServingITCase {

    private static final int ROUNDS = 5;
    private static final int POOL = 20;
    /** The job keeps this many recent items per user: BM3's older edges live only in its per-user state. */
    private static final int WINDOW = 3;

    private static EmbeddedKafkaBroker broker;
    @TempDir
    static Path tmp;
    private static Path bm3;
    private static Path gru4rec;
    private static List<Interaction> slice;

    @BeforeAll
    static void setUp() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        broker.createTopics(1, TestJobs.ALL_TOPICS);
        Path csv = tmp.resolve("slice.csv");
        slice = TestJobs.writeMovieLensSlice(csv, 4000);
        String features = TestJobs.writeGaussianModalities(slice, tmp);
        bm3 = tmp.resolve("bm3");
        assertEquals(0, ModelCli.run("train", List.of("--model", "bm3", "--data", csv.toString(),
                "--features", features,
                "--epochs", "3", "--emb", "16", "--output", bm3.toString())));
        gru4rec = tmp.resolve("gru4rec");
        assertEquals(0, ModelCli.run("train", List.of("--model", "gru4rec", "--data", csv.toString(),
                "--epochs", "1", "--dim", "16", "--max-len", "20", "--layers", "1", "--output", gru4rec.toString())));
    }

    @AfterAll
    static void tearDown() {
        broker.close();
    }

    @Test
    void shouldServeModelCoreScoresOfBothModelsAndRecommendANewItemAtOnce() throws Exception {
        ModelArtifact bm3Artifact = ModelArtifact.load(bm3);
        ModelArtifact gruArtifact = ModelArtifact.load(gru4rec);
        Configuration conf = job("side-by-side", 4, List.of("bm3", "gru4rec"), bm3, gru4rec);
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        EventCodec codec = new EventCodec();

        try (Bm3Recommender bm3Ref = (Bm3Recommender) ModelFamilies.forModel("bm3").loadRecommender(bm3Artifact, "cpu");
                Recommender gruRef = ModelFamilies.forModel("gru4rec").loadRecommender(gruArtifact, "cpu")) {
            // Four users the BM3 artifact knows (trained vectors, updated) and two it does not (folded in).
            List<String> users = new ArrayList<>();
            for (Interaction i : slice) {
                if (((Bm3Recommender) bm3Ref).knownUsers().contains(i.userId()) && !users.contains(i.userId())) {
                    users.add(i.userId());
                }
                if (users.size() == 4) {
                    break;
                }
            }
            users.add("newcomer-a");
            users.add("newcomer-b");
            Map<String, List<String>> pools = pools(users, bm3Artifact, gruArtifact);

            Stream stream = new Stream(conf, kafka, codec, bm3Ref, gruRef);
            JobClient job = TestJobs.start(conf);
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    List<String[]> events = new ArrayList<>();
                    for (String u : users) {
                        events.add(new String[] {u, pools.get(u).get(round)});
                    }
                    stream.sendAndCompare(events, null);
                }

                // A brand-new item whose features point where the first user's taste does (a scaled
                // copy of an existing item's features, chosen with model-core so that BM3 ranks it first).
                String fan = users.get(0);
                List<String> nextHistory = new ArrayList<>(stream.history(fan));
                nextHistory.add(pools.get(fan).get(ROUNDS));
                Map<String, float[]> chosen = null;
                ModalityFeatures text = ModalityFeatures.read(tmp.resolve("text.tsv"));
                ModalityFeatures image = ModalityFeatures.read(tmp.resolve("image.tsv"));
                for (String twin : text.vectors().keySet()) {
                    Map<String, float[]> trial = Map.of("text", scaled(text.get(twin), 50f), "image",
                            scaled(image.get(twin), 50f));
                    bm3Ref.upsertItem("brand-new", null, trial);
                    List<ScoredItem> top = bm3Ref.recommend(List.of(new RecommendRequest(fan, nextHistory, 20, true))).get(0);
                    if (top.get(0).itemId().equals("brand-new")) {
                        chosen = trial;
                        break;
                    }
                }
                assertNotNull(chosen, "no item direction makes BM3 rank the new item first for " + fan);
                kafka.produce(conf.get(JobOptions.TOPIC_ITEM_FEATURES), List.of("brand-new"),
                        List.of(codec.encodeItemFeatures(new ItemFeatures("brand-new", "a new film", chosen))));
                Thread.sleep(1500);
                boolean recommended = false;
                for (int j = 0; j < POOL - ROUNDS && !recommended; j++) {
                    Prediction served = stream.sendAndCompare(
                            List.<String[]>of(new String[] {fan, pools.get(fan).get(ROUNDS + j)}), "brand-new");
                    recommended = served.items.stream().anyMatch(i -> i.itemId.equals("brand-new"));
                }
                assertTrue(recommended, "BM3 never recommended the brand-new item after its features arrived");
            } finally {
                job.cancel().get();
            }
        }
    }

    /**
     * BM3 alone, one event per forward pass, with a failure mid-stream: after the restart every event
     * has exactly one prediction, and each equals model-core's answer when model-core is handed the
     * user's stored edges event by event, so the edges kept in keyed state beyond the 3-item window
     * came back from the checkpoint as they were, and the item degrees were recounted from them.
     */
    @Test
    void shouldKeepBm3EdgesAndDegreesAcrossARestart() throws Exception {
        ModelArtifact bm3Artifact = ModelArtifact.load(bm3);
        // one event per batch: each answer sees the degrees of every event before it, as the
        // one-at-a-time reference does
        Configuration conf = job("bm3-restart", 1, List.of("bm3"), bm3);
        int perUser = 10;
        List<String> users = new ArrayList<>();
        for (Interaction i : slice) {
            if (users.size() < 2 && !users.contains(i.userId())) {
                users.add(i.userId());
            }
        }
        users.add("newcomer-c");
        users.add("newcomer-d");
        int events = users.size() * perUser;
        conf.set(JobOptions.CHAOS_FAIL_AFTER, (long) events / 2 + 3);
        Map<String, List<String>> pools = pools(users, bm3Artifact, ModelArtifact.load(gru4rec));
        List<String[]> sent = new ArrayList<>(); // event id, user, item
        List<String> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int j = 0; j < perUser; j++) {
            for (String u : users) {
                String id = "r" + sent.size();
                sent.add(new String[] {id, u, pools.get(u).get(j)});
                keys.add(u);
                values.add(TestJobs.event(id, u, pools.get(u).get(j), 2_000_000L + sent.size() * 1000L));
            }
        }
        Map<String, Prediction> served = TestJobs.onePredictionPerEvent(conf,
                new KafkaTestClient(broker.bootstrapServers()), keys, values);
        assertBm3OneEventAtATime(bm3Artifact, conf, sent, served);
    }

    /**
     * BM3 alone, one event per forward pass, first on two scoring subtasks, then from a savepoint on
     * one (a scale-down: one subtask now serves the users of two), then again on two (a scale-up:
     * half of them move to a subtask that had none): every prediction equals model-core's answer
     * given the user's stored edges, so each user's edges and the degrees they raise followed the
     * user. It fails when a restored subtask keeps one former subtask's degrees, or none. Online
     * popularity runs beside it: after the scale-down its ranking is that of one model that saw
     * every event, so the one subtask merged what both had counted; after the scale-up each subtask
     * ranks as a model that took half of those counts and then its own users' events.
     */
    @Test
    void shouldFollowTheUsersWhenTheJobIsRescaled() throws Exception {
        ModelArtifact bm3Artifact = ModelArtifact.load(bm3);
        Configuration conf = job("bm3-rescale", 1, List.of("bm3", DecayedPopularity.NAME), bm3);
        // two users per subtask at parallelism 2: known to the artifact and new
        List<String> candidates = new ArrayList<>();
        for (Interaction i : slice) {
            if (!candidates.contains(i.userId())) {
                candidates.add(i.userId());
            }
        }
        for (int n = 0; n < 20; n++) {
            candidates.add("newcomer-r" + n);
        }
        List<String> users = new ArrayList<>();
        int[] perSubtask = new int[2];
        for (String u : candidates) {
            int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(u,
                    KeyGroupRangeAssignment.computeDefaultMaxParallelism(2), 2);
            if (perSubtask[subtask] < 2) {
                perSubtask[subtask]++;
                users.add(u);
            }
        }
        assertEquals(4, users.size());
        Map<String, List<String>> pools = pools(users, bm3Artifact, ModelArtifact.load(gru4rec));
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        List<String[]> sent = new ArrayList<>(); // event id, user, item
        String savepoint = null;
        int[] parallelism = {2, 1, 2};
        int perPhase = 4;
        for (int phase = 0; phase < parallelism.length; phase++) {
            conf.set(JobOptions.PARALLELISM, parallelism[phase]);
            if (savepoint != null) {
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            }
            List<String> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int j = phase * perPhase; j < (phase + 1) * perPhase; j++) {
                for (String u : users) {
                    String id = "s" + sent.size();
                    sent.add(new String[] {id, u, pools.get(u).get(j)});
                    keys.add(u);
                    values.add(TestJobs.event(id, u, pools.get(u).get(j), 3_000_000L + sent.size() * 1000L));
                }
            }
            JobClient job = TestJobs.start(conf);
            int expected = 2 * sent.size();
            try {
                kafka.produce(conf.get(JobOptions.TOPIC_INTERACTIONS), keys, values);
                kafka.readUntil(conf.get(JobOptions.TOPIC_PREDICTIONS), r -> r.size() >= expected, Duration.ofSeconds(90));
                savepoint = job.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL).get();
            } catch (Exception e) {
                job.cancel().get();
                throw e;
            }
        }
        EventCodec codec = new EventCodec();
        Map<String, Prediction> served = new LinkedHashMap<>();
        Map<String, Prediction> popular = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readFor(conf.get(JobOptions.TOPIC_PREDICTIONS), Duration.ofSeconds(2))) {
            Prediction p = codec.decodePrediction(r.value());
            Map<String, Prediction> byModel = p.model.equals("bm3") ? served : popular;
            assertEquals(null, byModel.put(p.eventId, p), "duplicate prediction for " + p.model + " " + p.eventId);
        }
        assertEquals(sent.size(), served.size());
        assertEquals(sent.size(), popular.size());
        assertBm3OneEventAtATime(bm3Artifact, conf, sent, served);

        long halfLife = conf.get(JobOptions.POPULARITY_HALF_LIFE).toMillis();
        DecayedPopularity everything = new DecayedPopularity(halfLife);
        // after the scale-up: per subtask, half of what the one subtask had, then its users' events
        Map<Integer, DecayedPopularity> afterScaleUp = new HashMap<>();
        Map<String, List<String>> histories = new HashMap<>();
        for (int n = 0; n < sent.size(); n++) {
            String[] e = sent.get(n);
            int phase = n / (perPhase * users.size());
            DecayedPopularity reference = everything;
            if (phase == 2) {
                int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(e[1],
                        KeyGroupRangeAssignment.computeDefaultMaxParallelism(2), 2);
                byte[] atScaleUp = everything.snapshotState();
                reference = afterScaleUp.computeIfAbsent(subtask, s -> {
                    DecayedPopularity half = new DecayedPopularity(halfLife);
                    half.restoreState(atScaleUp, 0.5);
                    return half;
                });
            }
            List<String> h = histories.computeIfAbsent(e[1], k -> new ArrayList<>());
            List<String> before = List.copyOf(h);
            h.add(e[2]);
            if (phase > 0) {
                List<ScoredItem> expected = reference.recommend(List.of(new RecommendRequest(e[1], Stream.recent(h),
                        conf.get(JobOptions.TOP_K), conf.get(JobOptions.EXCLUDE_SEEN)))).get(0);
                Prediction pop = popular.get(e[0]);
                assertEquals(expected.stream().map(ScoredItem::itemId).toList(),
                        pop.items.stream().map(i -> i.itemId).toList(), "popularity " + e[0]);
                // the same values up to the decay clock's origin: one factor for the whole list
                double factor = pop.items.get(0).score / expected.get(0).score();
                for (int k = 0; k < expected.size(); k++) {
                    assertEquals(factor, pop.items.get(k).score / expected.get(k).score(), 1e-4 * factor,
                            "popularity " + e[0] + " rank " + k);
                }
            }
            reference.observe(e[1], before, e[2], 3_000_000L + (n + 1) * 1000L);
        }
    }

    /**
     * A user whose BM3 edges expired (the state TTL) stops raising its items' degrees once the
     * periodic recount ran: a newcomer who then takes the same items is answered, event by event,
     * as if that user had never been there. Without the recount those degrees stayed raised until
     * the next restore, and the newcomer's scores differ.
     */
    @Test
    void shouldForgetTheEdgesOfUsersWhoseStateExpired() throws Exception {
        ModelArtifact bm3Artifact = ModelArtifact.load(bm3);
        Configuration conf = job("bm3-ttl", 1, List.of("bm3"), bm3);
        conf.set(JobOptions.STATE_TTL, Duration.ofSeconds(4));
        conf.set(JobOptions.USER_STATE_RECOUNT, Duration.ofMillis(300));
        List<String> items = pools(List.of("gone-a"), bm3Artifact, ModelArtifact.load(gru4rec)).get("gone-a")
                .subList(0, 2 * WINDOW);
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        List<String[]> probe; // event id, user, item
        JobClient job = TestJobs.start(conf);
        try {
            takeItems(kafka, conf, "gone-a", items, "g", 4_000_000L, 0);
            Thread.sleep(6_000); // the TTL passes, then at least one recount
            probe = takeItems(kafka, conf, "probe-b", items, "p", 5_000_000L, items.size());
        } finally {
            job.cancel().get();
        }
        Map<String, Prediction> served = TestJobs.predictionsByEvent(kafka, conf.get(JobOptions.TOPIC_PREDICTIONS));
        assertEquals(2 * items.size(), served.size());
        assertBm3OneEventAtATime(bm3Artifact, conf, probe, served);
    }

    /**
     * BM3 v1 serves a user whose edges beyond the window stay in keyed state, kept for v1; then v2
     * is deployed and v1 rolled back to. The v1 that serves again is a fresh instance of the
     * artifact, so only the stored states can tell it that user's edges: a newcomer who takes that
     * user's items must be answered as model-core's v1 answers after the same events. Without a
     * recount at the rollback the newcomer is answered as if that user had never been there.
     */
    @Test
    void shouldCountTheEdgesKeptForAVersionThatIsRolledBackTo() throws Exception {
        ModelArtifact v1 = ModelArtifact.load(bm3);
        Path csv = tmp.resolve("slice.csv");
        Path v2Dir = tmp.resolve("bm3-v2");
        Thread.sleep(1100); // versions carry the training time to the second
        assertEquals(0, ModelCli.run("train", List.of("--model", "bm3", "--data", csv.toString(),
                "--features", tmp.resolve("text.tsv") + "," + tmp.resolve("image.tsv"),
                "--epochs", "2", "--emb", "16", "--seed", "7", "--output", v2Dir.toString())));
        ModelArtifact v2 = ModelArtifact.load(v2Dir);
        assertTrue(!v1.version().equals(v2.version()), "two distinct versions");
        Configuration conf = job("bm3-rollback", 1, List.of("bm3"), bm3);
        Map<String, List<String>> pools = pools(List.of("kept-a", "filler-c"), v1, ModelArtifact.load(gru4rec));
        List<String> items = pools.get("kept-a").subList(0, 2 * WINDOW);
        String out = conf.get(JobOptions.TOPIC_PREDICTIONS);
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        EventCodec codec = new EventCodec();
        List<String[]> compared = new ArrayList<>(); // event id, user, item
        int[] produced = {0};
        JobClient job = TestJobs.start(conf);
        try {
            compared.addAll(takeItems(kafka, conf, "kept-a", items, "k", 6_000_000L, produced[0]));
            produced[0] += items.size();

            kafka.produce(conf.get(JobOptions.TOPIC_MODEL_UPDATES), List.of("bm3"), List.of(codec.encodeModelUpdate(
                    new ModelUpdate("bm3", v2.version(), v2.dir().toUri().toString(), v2.sha256(), "deploy", 1L))));
            sendUntilServedBy(v2.version(), kafka, conf, pools.get("filler-c"), produced);
            kafka.produce(conf.get(JobOptions.TOPIC_MODEL_UPDATES), List.of("bm3"), List.of(codec.encodeModelUpdate(
                    new ModelUpdate("bm3", v1.version(), null, null, "rollback", 2L))));
            sendUntilServedBy(v1.version(), kafka, conf, pools.get("filler-c"), produced);

            compared.addAll(takeItems(kafka, conf, "probe-b", items, "q", 8_000_000L, produced[0]));
            produced[0] += items.size();
        } finally {
            job.cancel().get();
        }
        Map<String, Prediction> served = TestJobs.predictionsByEvent(kafka, out);
        assertEquals(produced[0], served.size());
        for (String[] e : compared) {
            assertEquals(v1.version(), served.get(e[0]).modelVersion, "served by v1: " + e[0]);
        }
        assertBm3OneEventAtATime(v1, conf, compared, served);
    }

    /**
     * BM3 on two scoring subtasks: a user served by subtask 0 keeps edges beyond the window in its
     * state; once subtask 0 has published what they add to the item degrees (shared-counts topic), a
     * newcomer served by subtask 1 who takes the same items is answered, event by event, as one
     * model-core instance that counted both users answers. Without the exchange subtask 1 counts
     * only its own users' edges and the newcomer's scores differ.
     */
    @Test
    void shouldCountTheEdgesOfUsersServedByAnotherSubtask() throws Exception {
        ModelArtifact bm3Artifact = ModelArtifact.load(bm3);
        Configuration conf = job("bm3-shared", 1, List.of("bm3"), bm3);
        conf.set(JobOptions.PARALLELISM, 2);
        int keyGroups = KeyGroupRangeAssignment.computeDefaultMaxParallelism(2);
        String holder = userOf(0, "holder-", keyGroups);
        String probe = userOf(1, "probe-", keyGroups);
        List<String> items = pools(List.of(holder), bm3Artifact, ModelArtifact.load(gru4rec)).get(holder)
                .subList(0, 2 * WINDOW);
        Map<String, Integer> holderCounts = new HashMap<>();
        items.forEach(i -> holderCounts.put(i, 1));
        int holderGroup = KeyGroupRangeAssignment.assignToKeyGroup(holder, keyGroups);
        KafkaTestClient kafka = new KafkaTestClient(broker.bootstrapServers());
        EventCodec codec = new EventCodec();
        List<String[]> compared = new ArrayList<>(); // event id, user, item
        JobClient job = TestJobs.start(conf);
        try {
            compared.addAll(takeItems(kafka, conf, holder, items, "h", 9_000_000L, 0));
            List<ConsumerRecord<byte[], byte[]>> published = kafka.readUntil(conf.get(JobOptions.TOPIC_SHARED_COUNTS),
                    r -> holderCounts.equals(publishedCounts(r, codec, holderGroup)), Duration.ofSeconds(60));
            assertEquals(holderCounts, publishedCounts(published, codec, holderGroup),
                    "subtask 0 published its user's edges");
            Thread.sleep(1_000); // through the control source to subtask 1
            compared.addAll(takeItems(kafka, conf, probe, items, "p", 9_500_000L, items.size()));
        } finally {
            job.cancel().get();
        }
        Map<String, Prediction> served = TestJobs.predictionsByEvent(kafka, conf.get(JobOptions.TOPIC_PREDICTIONS));
        assertEquals(2 * items.size(), served.size());
        assertBm3OneEventAtATime(bm3Artifact, conf, compared, served);
    }

    /** A user named {@code prefix + n} that a job of parallelism 2 serves on {@code subtask}. */
    private static String userOf(int subtask, String prefix, int keyGroups) {
        for (int n = 0; ; n++) {
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(prefix + n, keyGroups, 2) == subtask) {
                return prefix + n;
            }
        }
    }

    /** BM3's counts of one key group as the published messages leave them (full ones replace, others set). */
    private static Map<String, Integer> publishedCounts(List<ConsumerRecord<byte[], byte[]>> records, EventCodec codec,
            int keyGroup) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            SharedCounts c = codec.decodeSharedCounts(r.value()).value();
            if (c.model.equals("bm3") && c.keyGroup == keyGroup) {
                if (c.full) {
                    counts.clear();
                }
                counts.putAll(c.counts);
                counts.values().removeIf(n -> n == 0);
            }
        }
        return counts;
    }

    /**
     * One user takes {@code items} in order (event ids {@code idPrefix + j}, a second apart from
     * {@code from}), and this returns once the job answered them all: the predictions topic then
     * holds {@code answeredBefore} + their number.
     *
     * @return the events sent, each as (event id, user, item)
     */
    private static List<String[]> takeItems(KafkaTestClient kafka, Configuration conf, String user,
            List<String> items, String idPrefix, long from, int answeredBefore) {
        List<String[]> sent = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int j = 0; j < items.size(); j++) {
            sent.add(new String[] {idPrefix + j, user, items.get(j)});
            keys.add(user);
            values.add(TestJobs.event(idPrefix + j, user, items.get(j), from + j * 1000L));
        }
        kafka.produce(conf.get(JobOptions.TOPIC_INTERACTIONS), keys, values);
        int expected = answeredBefore + items.size();
        kafka.readUntil(conf.get(JobOptions.TOPIC_PREDICTIONS), r -> r.size() >= expected, Duration.ofSeconds(90));
        return sent;
    }

    /**
     * Sends the filler user's events one at a time, each after the previous one's prediction, until
     * one is served by {@code version}. The filler's items are its own, so its edges change no
     * compared user's scores.
     */
    private static void sendUntilServedBy(String version, KafkaTestClient kafka, Configuration conf,
            List<String> fillerItems, int[] produced) {
        String out = conf.get(JobOptions.TOPIC_PREDICTIONS);
        for (int n = 0; n < 300; n++) {
            String id = takeItems(kafka, conf, "filler-c", List.of(fillerItems.get(n % fillerItems.size())),
                    "f" + produced[0] + "-", 7_000_000L + produced[0] * 1000L, produced[0]).get(0)[0];
            produced[0]++;
            if (version.equals(TestJobs.predictionsByEvent(kafka, out).get(id).modelVersion)) {
                return;
            }
        }
        throw new AssertionError("never served by " + version);
    }

    /**
     * With {@code scoring.incremental-inference} (issue 25) the job keeps each user's GRU state in
     * the keyed state and serves, event by event and across a failure and restore mid-stream,
     * model-core's GRU4Rec over the user's whole history, although the job keeps only the newest
     * {@link #WINDOW} items per user (so no answer after a user's third event could come from the
     * window alone). Seen items are not excluded: the job knows only the window's.
     */
    @Test
    void shouldServeIncrementalGru4RecOverTheWholeHistoryAcrossARestart() throws Exception {
        ModelArtifact artifact = ModelArtifact.load(gru4rec);
        Configuration conf = job("gru-incremental", 4, List.of("gru4rec"), gru4rec);
        conf.set(JobOptions.INCREMENTAL_INFERENCE, true);
        conf.set(JobOptions.EXCLUDE_SEEN, false);
        int events = 80;
        conf.set(JobOptions.CHAOS_FAIL_AFTER, (long) events / 2 + 10);
        TestJobs.RoundRobinStream stream = TestJobs.RoundRobinStream.of("g", 4, events, artifact.items(), 11);
        Map<String, Prediction> served = TestJobs.onePredictionPerEvent(conf,
                new KafkaTestClient(broker.bootstrapServers()), stream.keys(), stream.values());
        try (Recommender reference = ModelFamilies.forModel("gru4rec").loadIncrementalRecommender(artifact, "cpu")) {
            for (int i = 0; i < events; i++) {
                List<ScoredItem> expected = reference.recommend(List.of(new RecommendRequest(stream.keys().get(i),
                        stream.historyAt(i), conf.get(JobOptions.TOP_K), false))).get(0);
                TestJobs.assertServedRanking(expected, served.get("g" + i), "event g" + i);
            }
        }
    }

    /**
     * A test's job on topics of its own ({@code name-in}, ...): these models side by side (the
     * trained ones from these artifacts, in order), batches of at most {@code batchSize}, the newest
     * {@link #WINDOW} items kept per user.
     */
    private static Configuration job(String name, int batchSize, List<String> models, Path... artifacts) {
        Configuration conf = TestJobs.isolatedConfig(broker, tmp.resolve(name), name);
        conf.set(JobOptions.MODELS, models);
        conf.set(JobOptions.ARTIFACTS, Arrays.stream(artifacts).map(Path::toString).toList());
        conf.set(JobOptions.BATCH_SIZE, batchSize);
        conf.set(JobOptions.SEQUENCE_MAX_LENGTH, WINDOW);
        return conf;
    }

    /**
     * Each served prediction equals model-core's answer to the same event, model-core being handed
     * the user's edges stored after its previous event and counting each stored state's degrees,
     * as the job does.
     */
    private static void assertBm3OneEventAtATime(ModelArtifact artifact, Configuration conf, List<String[]> sent,
            Map<String, Prediction> served) throws Exception {
        try (Bm3Recommender reference = (Bm3Recommender) ModelFamilies.forModel("bm3").loadRecommender(artifact, "cpu")) {
            Map<String, List<String>> histories = new HashMap<>();
            Map<String, byte[]> edges = new HashMap<>();
            for (String[] e : sent) {
                List<String> h = histories.computeIfAbsent(e[1], k -> new ArrayList<>());
                h.add(e[2]);
                Answer answer = reference.answer(List.of(new RecommendRequest(e[1], Stream.recent(h),
                        conf.get(JobOptions.TOP_K), conf.get(JobOptions.EXCLUDE_SEEN), edges.get(e[1])))).get(0);
                reference.userStateStored(edges.put(e[1], answer.userState()), answer.userState());
                TestJobs.assertServedRanking(answer.items(), served.get(e[0]), "bm3 " + e[0]);
            }
        }
    }

    /**
     * Sends events and waits for both models' answers; each must equal model-core's for the same
     * history (BM3's reference is handed the user's stored edges, as the job hands them from keyed
     * state, and then learns from the events, as the served one did after answering).
     */
    private static final class Stream {
        private final Configuration conf;
        private final KafkaTestClient kafka;
        private final EventCodec codec;
        private final Bm3Recommender bm3Ref;
        private final Recommender gruRef;
        private final Map<String, List<String>> histories = new HashMap<>();
        /** BM3's per-user state, as the job keeps it in keyed state. */
        private final Map<String, byte[]> bm3Edges = new HashMap<>();
        private int sent;

        Stream(Configuration conf, KafkaTestClient kafka, EventCodec codec, Bm3Recommender bm3Ref, Recommender gruRef) {
            this.conf = conf;
            this.kafka = kafka;
            this.codec = codec;
            this.bm3Ref = bm3Ref;
            this.gruRef = gruRef;
        }

        /** The items the job keeps of a history: the newest {@link #WINDOW}. */
        static List<String> recent(List<String> history) {
            return new ArrayList<>(history.subList(Math.max(0, history.size() - WINDOW), history.size()));
        }

        /** Every item the user took, oldest first. */
        List<String> history(String user) {
            return histories.getOrDefault(user, List.of());
        }

        /**
         * @param maybeMissing an item model-core knows but the job may not yet (features in flight):
         *     a served BM3 answer without it is compared with model-core's ranking without it
         * @return the served BM3 prediction of the last event
         */
        Prediction sendAndCompare(List<String[]> events, String maybeMissing) {
            List<String> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            Map<String, List<String>> after = new HashMap<>();
            Map<String, String[]> byId = new LinkedHashMap<>();
            for (String[] e : events) {
                String id = "e" + sent++;
                List<String> h = histories.computeIfAbsent(e[0], k -> new ArrayList<>());
                h.add(e[1]);
                after.put(id, recent(h));
                byId.put(id, e);
                keys.add(e[0]);
                values.add(TestJobs.event(id, e[0], e[1], 1_000_000L + sent * 1000L));
            }
            kafka.produce(conf.get(JobOptions.TOPIC_INTERACTIONS), keys, values);
            int expected = 2 * sent;
            List<ConsumerRecord<byte[], byte[]>> got = kafka.readUntil(conf.get(JobOptions.TOPIC_PREDICTIONS),
                    r -> r.size() >= expected, Duration.ofSeconds(90));
            assertEquals(expected, got.size(), "one prediction per event and model");
            Map<String, Prediction> served = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : got) {
                Prediction p = codec.decodePrediction(r.value());
                if (byId.containsKey(p.eventId)) {
                    served.put(p.model + "/" + p.eventId, p);
                }
            }
            Prediction last = null;
            for (Map.Entry<String, String[]> e : byId.entrySet()) {
                String id = e.getKey();
                String user = e.getValue()[0];
                Prediction gru = served.get("gru4rec/" + id);
                assertNotNull(gru, "gru4rec answered " + id);
                TestJobs.assertServedRanking(
                        gruRef.recommend(List.of(new RecommendRequest(user, after.get(id), 20, true))).get(0), gru,
                        gru.model + " " + gru.eventId);
                Prediction b = served.get("bm3/" + id);
                assertNotNull(b, "bm3 answered " + id);
                boolean without = maybeMissing != null && b.items.stream().noneMatch(i -> i.itemId.equals(maybeMissing));
                Answer answered = bm3Ref.answer(List.of(new RecommendRequest(user, after.get(id),
                        without ? 21 : 20, true, bm3Edges.get(user)))).get(0);
                bm3Ref.userStateStored(bm3Edges.put(user, answered.userState()), answered.userState());
                List<ScoredItem> reference = answered.items();
                if (without) {
                    reference = new ArrayList<>(reference);
                    reference.removeIf(s -> s.itemId().equals(maybeMissing));
                    reference = reference.subList(0, Math.min(20, reference.size()));
                }
                TestJobs.assertServedRanking(reference, b, b.model + " " + b.eventId);
                last = b;
            }
            return last;
        }
    }

    /** POOL items per user, known to both models, none of them rated in the slice by any test user. */
    private static Map<String, List<String>> pools(List<String> users, ModelArtifact bm3Artifact, ModelArtifact gruArtifact) {
        Set<String> rated = new HashSet<>();
        for (Interaction i : slice) {
            if (users.contains(i.userId())) {
                rated.add(i.itemId());
            }
        }
        List<String> free = new ArrayList<>();
        for (String id : bm3Artifact.items().ids()) {
            if (!rated.contains(id) && gruArtifact.items().indexOf(id) > 0) {
                free.add(id);
            }
        }
        assertTrue(free.size() >= users.size() * POOL, "items for the pools: " + free.size());
        Map<String, List<String>> pools = new HashMap<>();
        for (int u = 0; u < users.size(); u++) {
            pools.put(users.get(u), free.subList(u * POOL, (u + 1) * POOL));
        }
        return pools;
    }

    private static float[] scaled(float[] v, float by) {
        float[] out = new float[v.length];
        for (int d = 0; d < v.length; d++) {
            out[d] = v[d] * by;
        }
        return out;
    }
}
