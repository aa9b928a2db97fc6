package dev.streamrec.jobs.scoring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.jobs.config.JobOptions;
import dev.streamrec.jobs.state.CompactStrings;
import dev.streamrec.jobs.testutil.TestJobs;
import dev.streamrec.model.artifact.ArtifactWriter;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scoring operator in Flink's keyed two-input operator harness (RocksDB), serving two real
 * models: the popularity baseline and a tiny SASRec trained once for the class (its second
 * version is the same weights under another version, so that a hot swap has something to swap
 * to). Covers micro-batching by size and by timeout, a batch scored on the inference thread and
 * emitted through the mailbox, the flush before a checkpoint barrier and before a user's deletion, snapshot and restore of
 * what the models learned and which version serves, and a hot swap with its rollback.
 */
class ScoringOperatorTest {

    private static final int TOP_K = 5;
    private static final long TIMEOUT_MS = 1000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;
    private static List<Interaction> events;
    private static ModelArtifact v1;
    private static ModelArtifact v2;

    /** Every user's items so far, as the sequence operator would send them. */
    private final Map<String, List<String>> histories = new HashMap<>();
    private int nextEvent;

    @BeforeAll
    static void trainOnce() throws Exception {
        Path csv = tmp.resolve("slice.csv");
        events = TestJobs.writeMovieLensSlice(csv, 1000);
        v1 = ModelArtifact.load(TestJobs.trainTinySasRec(csv, tmp.resolve("v1"), 1));
        v2 = relabelled(v1, v1.version() + "-b", tmp.resolve("v2"));
    }

    /** A copy of an artifact under another version (same weights): what a hot swap loads. */
    private static ModelArtifact relabelled(ModelArtifact a, String version, Path target) throws IOException {
        ObjectNode config = a.config().deepCopy();
        config.put("version", version);
        ArtifactWriter w = new ArtifactWriter(target).config(config);
        try (Stream<Path> files = Files.walk(a.dir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = a.dir().relativize(f).toString().replace('\\', '/');
                if (!name.equals(ModelArtifact.MANIFEST) && !name.equals(ModelArtifact.CONFIG)) {
                    w.file(name, out -> Files.copy(f, out));
                }
            }
        }
        return w.commit();
    }

    private static ScoringOperator operator(int batchSize, boolean overlap) {
        Configuration conf = new Configuration();
        conf.set(JobOptions.MODELS, List.of("popularity", "sasrec"));
        conf.set(JobOptions.ARTIFACTS, List.of(v1.dir().toString()));
        return new ScoringOperator(new RecommenderFactory(conf), TOP_K, false, batchSize, TIMEOUT_MS, Duration.ofDays(1))
                .overlappingInference(overlap);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ScoringRequest, ControlMessage, ScoredEvent> open(
            ScoringOperator operator, OperatorSubtaskState restored) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, ScoringRequest, ControlMessage, ScoredEvent>(
                operator, r -> r.userId, c -> "control", Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        h.setProcessingTime(0);
        return h;
    }

    /** The next event of the slice as the sequence operator sends it: with the user's history. */
    private ScoringRequest nextRequest() {
        Interaction i = events.get(nextEvent);
        return request("e" + nextEvent++, i.userId(), i.itemId(), i.timestampMillis());
    }

    private ScoringRequest request(String eventId, String user, String item, long timestamp) {
        List<String> history = histories.computeIfAbsent(user, u -> new ArrayList<>());
        history.add(item);
        ScoringRequest r = new ScoringRequest();
        r.eventId = eventId;
        r.userId = user;
        r.itemId = item;
        r.timestamp = timestamp;
        r.ingestTimeMillis = System.currentTimeMillis();
        r.inOrder = true;
        r.historyBytes = CompactStrings.encodeList(List.copyOf(history));
        r.insertedAt = history.size() - 1;
        return r;
    }

    /** Sends the next {@code n} events; returns their ids. */
    private List<String> send(KeyedTwoInputStreamOperatorTestHarness<String, ScoringRequest, ControlMessage, ScoredEvent> h,
            int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ScoringRequest r = nextRequest();
            ids.add(r.eventId);
            h.processElement1(new StreamRecord<>(r));
        }
        return ids;
    }

    private static List<Prediction> predictions(
            KeyedTwoInputStreamOperatorTestHarness<String, ScoringRequest, ControlMessage, ScoredEvent> h) {
        return h.extractOutputValues().stream().map(s -> s.prediction).toList();
    }

    private static List<String> eventIds(List<Prediction> predictions, String model) {
        return predictions.stream().filter(p -> p.model.equals(model)).map(p -> p.eventId).toList();
    }

    private static String ranking(Prediction p) {
        StringBuilder sb = new StringBuilder();
        p.items.forEach(i -> sb.append(i.itemId).append('=').append(i.score).append(' '));
        return sb.toString();
    }

    private static void passTimeout(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) throws Exception {
        h.setProcessingTime(h.getProcessingTime() + TIMEOUT_MS);
    }

    @Test
    void shouldSendABatchWhenItIsFullOrItsTimeoutPassesAndAnswerEveryModelInArrivalOrder() throws Exception {
        try (var h = open(operator(4, false), null)) {
            List<String> first = send(h, 3);
            assertEquals(List.of(), predictions(h), "three requests wait for a fourth or the timeout");
            first.addAll(send(h, 1));
            assertEquals(first, eventIds(predictions(h), "popularity"), "a full batch is answered at once");
            assertEquals(first, eventIds(predictions(h), "sasrec"));
            assertEquals(v1.version(), predictions(h).get(4).modelVersion);

            List<String> second = send(h, 2);
            assertEquals(8, predictions(h).size());
            passTimeout(h);
            List<String> all = new ArrayList<>(first);
            all.addAll(second);
            assertEquals(all, eventIds(predictions(h), "popularity"), "the timeout sends a partial batch");
            assertEquals(all, eventIds(predictions(h), "sasrec"));
            for (Prediction p : predictions(h)) {
                if (p.model.equals("sasrec")) {
                    assertEquals(TOP_K, p.items.size(), p.eventId);
                }
            }
            List<Prediction> popularity = predictions(h).stream().filter(p -> p.model.equals("popularity")).toList();
            assertEquals(List.of(), popularity.get(0).items, "nothing observed before the first event");
            assertTrue(!popularity.get(5).items.isEmpty(), "popularity learned from the batches before");
        }
    }

    @Test
    void shouldScoreOnTheInferenceThreadAndEmitThroughTheMailbox() throws Exception {
        try (var h = open(operator(4, true), null)) {
            List<String> ids = send(h, 4);
            assertEquals(List.of(), predictions(h), "the batch is scored on the inference thread");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (predictions(h).isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the scored batch comes back as mail");
                Optional<Mail> mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY);
                if (mail.isPresent()) {
                    mail.get().run();
                } else {
                    Thread.sleep(5);
                }
            }
            assertEquals(ids, eventIds(predictions(h), "popularity"));
            assertEquals(ids, eventIds(predictions(h), "sasrec"));
        }
    }

    @Test
    void shouldAnswerEverythingOwedBeforeADeletionGoesOn() throws Exception {
        try (var h = open(operator(4, true), null)) {
            List<String> ids = send(h, 6); // one batch of 4 in flight, 2 buffered
            String user = events.get(nextEvent - 1).userId();
            UserDeletionConfirmation request = UserDeletionConfirmation.of(new UserDeletion("r1", user, 5L));
            h.processElement1(new StreamRecord<>(ScoringRequest.deletion(request)));
            List<ScoredEvent> out = h.extractOutputValues();
            assertEquals(ids.size() * 2 + 1, out.size(), "every owed prediction, then the deletion");
            ScoredEvent last = out.get(out.size() - 1);
            assertEquals(user, last.userId());
            assertEquals("r1", last.deletion.requestId);
            assertTrue(out.subList(0, out.size() - 1).stream().allMatch(ScoredEvent::hasPrediction));
            assertEquals(ids, out.stream().filter(ScoredEvent::hasPrediction).map(e -> e.prediction)
                    .filter(p -> p.model.equals("popularity")).map(p -> p.eventId).toList());
            assertEquals(List.of(), h.getOperator().getKeyedStateBackend()
                    .getKeys("user-model-state", org.apache.flink.runtime.state.VoidNamespace.INSTANCE)
                    .filter(user::equals).toList(), "no model state of the user");
        }
    }

    @Test
    void shouldEmitTheBufferAndTheBatchInFlightBeforeTheBarrier() throws Exception {
        try (var h = open(operator(4, true), null)) {
            List<String> ids = send(h, 6); // one batch of 4 in flight, 2 buffered
            h.prepareSnapshotPreBarrier(1);
            assertEquals(ids, eventIds(predictions(h), "popularity"), "nothing owed crosses the barrier");
            assertEquals(ids, eventIds(predictions(h), "sasrec"));
            int before = predictions(h).size();
            h.snapshot(1, 1);
            assertEquals(before, predictions(h).size(), "the snapshot itself emits nothing more");
        }
    }

    @Test
    void shouldRestoreWhatTheModelsLearnedFromASnapshot() throws Exception {
        OperatorSubtaskState state;
        Prediction served;
        ScoringRequest probe;
        try (var h = open(operator(8, false), null)) {
            send(h, 40);
            h.prepareSnapshotPreBarrier(1);
            state = h.snapshot(1, 1);
            int before = predictions(h).size();
            probe = nextRequest();
            h.processElement1(new StreamRecord<>(probe));
            passTimeout(h);
            served = predictions(h).get(before); // popularity, first
        }
        assertEquals("popularity", served.model);
        try (var restored = open(operator(8, false), state)) {
            restored.processElement1(new StreamRecord<>(probe));
            passTimeout(restored);
            Prediction again = predictions(restored).get(0);
            assertEquals(probe.eventId, again.eventId);
            assertEquals(ranking(served), ranking(again), "the restored popularity counts rank as before");
        }
        try (var fresh = open(operator(8, false), null)) {
            fresh.processElement1(new StreamRecord<>(probe));
            passTimeout(fresh);
            assertNotEquals(ranking(served), ranking(predictions(fresh).get(0)), "without the snapshot it knows nothing");
        }
    }

    @Test
    void shouldSwapInADeployedVersionBetweenBatchesKeepItAcrossARestoreAndRollBack() throws Exception {
        OperatorSubtaskState deployed;
        try (var h = open(operator(2, false), null)) {
            send(h, 2);
            h.processElement2(new StreamRecord<>(ControlMessage.of(new ModelUpdate("sasrec", v2.version(),
                    v2.dir().toUri().toString(), v2.sha256(), "deploy", 1L))));
            awaitServed(h, v2.version());
            assertSwitchedOnceBetweenBatches(predictions(h), List.of(v1.version(), v2.version()));

            h.prepareSnapshotPreBarrier(1);
            deployed = h.snapshot(1, 1);

            h.processElement2(new StreamRecord<>(ControlMessage.of(
                    new ModelUpdate("sasrec", v1.version(), null, null, "rollback", 2L))));
            awaitServed(h, v1.version());
            assertSwitchedOnceBetweenBatches(predictions(h), List.of(v1.version(), v2.version(), v1.version()));
        }
        try (var restored = open(operator(2, false), deployed)) {
            send(restored, 2);
            for (Prediction p : predictions(restored)) {
                if (p.model.equals("sasrec")) {
                    assertEquals(v2.version(), p.modelVersion, "a restore serves the version the checkpoint wanted");
                }
            }
        }
    }

    /** Sends batches (and lets the swap poll run) until SASRec answers with {@code version}. */
    private void awaitServed(KeyedTwoInputStreamOperatorTestHarness<String, ScoringRequest, ControlMessage, ScoredEvent> h,
            String version) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<Prediction> all = predictions(h);
            if (!all.isEmpty() && all.get(all.size() - 1).modelVersion.equals(version)) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "version " + version + " serves within " + WAIT);
            h.setProcessingTime(h.getProcessingTime() + 100); // the swap poll
            send(h, 2);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** SASRec's versions, in serving order, switch only between batches (of 2) and never back and forth. */
    private static void assertSwitchedOnceBetweenBatches(List<Prediction> all, List<String> expected) {
        List<Prediction> sasrec = all.stream().filter(p -> p.model.equals("sasrec")).toList();
        List<String> sequence = new ArrayList<>();
        for (int i = 0; i < sasrec.size(); i++) {
            String v = sasrec.get(i).modelVersion;
            if (sequence.isEmpty() || !sequence.get(sequence.size() - 1).equals(v)) {
                assertEquals(0, i % 2, "a version switches between batches, not inside one");
                sequence.add(v);
            }
        }
        assertEquals(expected, sequence);
    }
}
