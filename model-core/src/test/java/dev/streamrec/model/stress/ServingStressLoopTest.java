package dev.streamrec.model.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamrec.model.baseline.DecayedPopularity;
import dev.streamrec.model.cli.ModelCli;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.UserStateful;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving loop for a few seconds with swaps: clean models come out clean, a model that answers a
 * NaN or throws is counted, per-user state goes back to the model with the user's next request
 * across swaps; and the same on real (tiny) GRU4Rec artifacts, plain and incremental, as the child
 * serves them, also with fine-tuning rounds of the model in the same JVM.
 */
class ServingStressLoopTest {

    private static final Duration SHORT = Duration.ofMillis(2500);
    private static final Duration SWAP = Duration.ofMillis(300);

    /** Answers k made-up items (not in any history), the second with a NaN score; sliced over two threads. */
    private static class NanScores implements Recommender {
        @Override
        public String name() {
            return "nan";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public boolean recommendsConcurrently() {
            return true; // sliced over two threads
        }

        @Override
        public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
            List<List<ScoredItem>> out = new ArrayList<>();
            for (RecommendRequest r : batch) {
                List<ScoredItem> items = new ArrayList<>();
                for (int i = 0; i < r.k(); i++) {
                    items.add(new ScoredItem("fake-" + i, i == 1 ? Float.NaN : -i));
                }
                out.add(items);
            }
            return out;
        }
    }

    /** Throws on every batch. */
    private static final class Throwing extends NanScores {
        @Override
        public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
            throw new IllegalStateException("broken model");
        }
    }

    /**
     * Keeps a per-user event count as its state; counts requests whose state is not the one it
     * answered for that user last (with the given shared memory of what it answered, which versions
     * share). Not sliced: a slice would see another slice's answers of the same batch.
     */
    private static final class Counting extends NanScores implements UserStateful {
        private final Map<String, Integer> answered;
        private final AtomicInteger mismatches;
        private final AtomicInteger closed;

        Counting(Map<String, Integer> answered, AtomicInteger mismatches, AtomicInteger closed) {
            this.answered = answered;
            this.mismatches = mismatches;
            this.closed = closed;
        }

        @Override
        public boolean recommendsConcurrently() {
            return false;
        }

        @Override
        public List<Answer> answer(List<RecommendRequest> batch) {
            List<Answer> out = new ArrayList<>();
            for (RecommendRequest r : batch) {
                int before = r.userState() == null ? 0 : ByteBuffer.wrap(r.userState()).getInt();
                synchronized (answered) {
                    if (before != answered.getOrDefault(r.userId(), 0)) {
                        mismatches.incrementAndGet();
                    }
                }
                List<ScoredItem> items = new ArrayList<>();
                for (int i = 0; i < r.k(); i++) {
                    items.add(new ScoredItem("fake-" + i, -i));
                }
                out.add(new Answer(items, ByteBuffer.allocate(4).putInt(before + 1).array()));
            }
            // the batch's last answer per user is the one stored
            synchronized (answered) {
                for (int i = 0; i < batch.size(); i++) {
                    answered.put(batch.get(i).userId(), ByteBuffer.wrap(out.get(i).userState()).getInt());
                }
            }
            return out;
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    /** The first 3,000 events of the bundled MovieLens. */
    private static List<Interaction> firstEvents() throws Exception {
        return MovieLens.bundled().interactions().subList(0, 3000);
    }

    /** Versions a and b of a tiny GRU4Rec (seeds 1 and 2) trained on {@code log}, as the command's artifacts. */
    private static ServingArtifacts tinyGru4RecVersions(Path tmp, List<Interaction> log) throws Exception {
        StringBuilder csv = new StringBuilder("userId,itemId,timestamp\n");
        log.forEach(i -> csv.append(i.userId()).append(',').append(i.itemId()).append(',').append(i.timestampMillis()).append('\n'));
        Files.writeString(tmp.resolve("d.csv"), csv);
        ServingArtifacts artifacts = new ServingArtifacts(tmp);
        for (int v = 0; v < 2; v++) {
            assertEquals(0, ModelCli.run("train", List.of("--model", "gru4rec", "--data", tmp.resolve("d.csv").toString(),
                    "--epochs", "1", "--dim", "16", "--max-len", "20", "--seed", Integer.toString(v + 1),
                    "--output", artifacts.dir(StressFamily.GRU4REC, v).toString())));
        }
        return artifacts;
    }

    private static EventReplay replay() throws Exception {
        return new EventReplay(MovieLens.bundled().interactions(), 50);
    }

    private static ServingLines.Parsed run(List<ServedSlot> slots, EventReplay replay, NewItemFeatures items)
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ServingStressLoop(new ServingStressLoop.Settings(SHORT, SWAP, Duration.ofMillis(1000), 64, 10, 5, 1), slots,
                replay, items, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        lines.stream().filter(l -> l.startsWith("stress-fault")).limit(20).forEach(System.out::println);
        return ServingLines.parse(lines);
    }

    private static Map<String, ServingLines.Result> byModel(ServingLines.Parsed p) {
        return p.results().stream().collect(Collectors.toMap(ServingLines.Result::model, Function.identity()));
    }

    @Test
    void shouldCountNonFiniteScoresAndExceptionsAndCarryUserStatesAcrossSwaps() throws Exception {
        Map<String, Integer> answered = new java.util.HashMap<>();
        AtomicInteger mismatches = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        ServedSlot.Version counting = () -> new Counting(answered, mismatches, closed);
        List<ServedSlot> slots = List.of(
                new ServedSlot("popularity", new DecayedPopularity(Duration.ofDays(30).toMillis()),
                        List.of(() -> new DecayedPopularity(Duration.ofDays(30).toMillis()),
                                () -> new DecayedPopularity(Duration.ofDays(30).toMillis())), null),
                new ServedSlot("nan", new NanScores(), List.of(NanScores::new), null),
                new ServedSlot("throwing", new Throwing(), List.of(Throwing::new), null),
                new ServedSlot("counting", counting.load(), List.of(counting, counting), null));
        ServingLines.Parsed p = run(slots, replay(), null);

        assertTrue(p.finished());
        assertTrue(p.progress().size() >= 2, "a report a second, and one at the end");
        Map<String, ServingLines.Result> r = byModel(p);
        ServingLines.Result popularity = r.get("popularity");
        assertTrue(popularity.clean(), popularity.toString());
        assertTrue(popularity.batches() > 5 && popularity.swaps() >= 2, popularity.toString());
        assertEquals(p.total().batches(), popularity.batches());
        assertEquals(p.total().events(), popularity.events());

        ServingLines.Result nan = r.get("nan");
        assertEquals(nan.events(), nan.nonFinite(), "one NaN per answer, each counted");
        assertEquals(0, nan.badAnswers());
        assertEquals(0, nan.swaps(), "a single version never swaps");

        ServingLines.Result throwing = r.get("throwing");
        assertEquals(p.total().batches(), throwing.exceptions());
        assertEquals(0, throwing.events());

        ServingLines.Result c = r.get("counting");
        assertTrue(c.clean() && c.swaps() >= 2, c.toString());
        assertEquals(0, mismatches.get(), "every request carried the state answered to the user's previous one");
        assertEquals(c.swaps() + 1, closed.get(), "each replaced version and, at the end, the last one closed");
    }

    @Test
    void shouldServeTinyGru4RecVersionsPlainAndIncrementallyWithSwaps(@TempDir Path tmp) throws Exception {
        List<Interaction> log = firstEvents();
        ServingArtifacts artifacts = tinyGru4RecVersions(tmp, log);
        List<ServedSlot> slots = ServingStressChild.slots(List.of(StressFamily.GRU4REC), artifacts);
        assertEquals(List.of("gru4rec", "gru4rec/incremental", "popularity", "cooccurrence"),
                slots.stream().map(s -> s.name).toList());
        ServingLines.Parsed p = run(slots, new EventReplay(log, 50), null);

        assertTrue(p.finished());
        for (ServingLines.Result r : p.results()) {
            assertTrue(r.clean() && r.batches() > 0, r.toString());
        }
        Map<String, ServingLines.Result> r = byModel(p);
        assertTrue(r.get("gru4rec").swaps() >= 1, r.get("gru4rec").toString());
        assertTrue(r.get("gru4rec/incremental").swaps() >= 1, r.get("gru4rec/incremental").toString());
    }

    @Test
    void shouldFineTuneInTheServingJvmWhileServing(@TempDir Path tmp) throws Exception {
        List<Interaction> log = firstEvents();
        ServingArtifacts artifacts = tinyGru4RecVersions(tmp, log);
        List<ServedSlot> slots = ServingStressChild.slots(List.of(StressFamily.GRU4REC), artifacts);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        InJvmFineTuning fineTuning = new InJvmFineTuning(Duration.ofMillis(200),
                List.of(new InJvmFineTuning.Target("gru4rec", artifacts.dir(StressFamily.GRU4REC, 0))), tmp.resolve("tuned"), out);
        new ServingStressLoop(new ServingStressLoop.Settings(SHORT, SWAP, Duration.ofMillis(1000), 64, 10, 5, 1), slots,
                new EventReplay(log, 50), null, out, fineTuning, 500).run();
        ServingLines.Parsed p = ServingLines.parse(bytes.toString(StandardCharsets.UTF_8).lines().toList());

        assertTrue(p.finished());
        p.results().forEach(r -> assertTrue(r.clean(), r.toString()));
        assertTrue(p.fineTune().rounds() >= 1, p.fineTune().toString());
        assertEquals(0, p.fineTune().failed(), bytes.toString(StandardCharsets.UTF_8));
        assertEquals(0, p.fineTune().nonFiniteRounds());
        assertTrue(p.rounds().get(0).checked() > 0, p.rounds().toString());
    }
}
