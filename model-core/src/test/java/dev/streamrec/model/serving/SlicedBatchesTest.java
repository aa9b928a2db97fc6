package dev.streamrec.model.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.backbone.SequenceScorer;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.kdsr.TopKRecommender;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SlicedBatchesTest {

    @Test
    void shouldAnswerInBatchOrderWithSlicesOnSeveralThreads() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (SlicedBatches slices = new SlicedBatches(3, "test-slice")) {
            List<Integer> batch = IntStream.range(0, 10).boxed().toList();
            List<Integer> out = slices.map(batch, part -> {
                threads.add(Thread.currentThread().getName());
                return part.stream().map(i -> i * 10).toList();
            });
            assertEquals(IntStream.range(0, 10).map(i -> i * 10).boxed().toList(), out);
            assertEquals(3, threads.size(), "three slices on three threads: " + threads);
            // fewer elements than slices: one slice per element; one element: no worker at all
            assertEquals(List.of(1, 2), slices.map(List.of(1, 2), part -> part));
            List<Integer> single = List.of(7);
            assertSame(single, slices.map(single, part -> part));
        }
    }

    @Test
    void shouldCutSlicesThatDifferByAtMostOne() {
        assertEquals(List.of(0, 3, 6, 10), IntStream.rangeClosed(0, 3).map(s -> SlicedBatches.from(s, 3, 10)).boxed().toList());
        assertEquals(List.of(0, 1, 2), IntStream.rangeClosed(0, 2).map(s -> SlicedBatches.from(s, 2, 2)).boxed().toList());
    }

    @Test
    void shouldRethrowAFailingSliceAfterAllSlicesFinished() {
        Set<Integer> done = ConcurrentHashMap.newKeySet();
        try (SlicedBatches slices = new SlicedBatches(4, "test-slice")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> slices.map(
                    IntStream.range(0, 8).boxed().toList(), part -> {
                        if (part.contains(5)) {
                            throw new IllegalStateException("slice with 5");
                        }
                        sleep(50);
                        done.addAll(part);
                        return part;
                    }));
            assertEquals("slice with 5", e.getMessage());
            assertEquals(Set.of(0, 1, 2, 3, 6, 7), done, "every other slice ran to its end");
        }
    }

    @Test
    void shouldRunSlicesWithOneLibtorchThreadAndLeaveTheDefaultBehind() throws Exception {
        Engine.getInstance();
        SlicedBatches.useDefaultThreads();
        int before = JniUtils.getNumThreads();
        try (SlicedBatches slices = new SlicedBatches(2, "test-slice")) {
            for (int round = 0; round < 3; round++) {
                List<Integer> seen = slices.map(List.of(1, 2, 3, 4),
                        part -> part.stream().map(i -> JniUtils.getNumThreads()).toList());
                assertEquals(List.of(1, 1, 1, 1), seen, "every slice runs single-threaded");
                assertEquals(before, JniUtils.getNumThreads(), "the caller is back to the default");
                JniUtils.setNumThreads(2); // whatever the caller ran with (the engine's default may be 1 here)
                assertEquals(List.of(1), slices.map(List.of(1), part -> List.of(JniUtils.getNumThreads())),
                        "a batch of one is one slice, single-threaded too");
                assertEquals(before, JniUtils.getNumThreads(), "the caller is back to the default");
                // a thread that starts using libtorch now gets the process-wide count: the default again
                int[] fresh = new int[1];
                Thread t = new Thread(() -> fresh[0] = JniUtils.getNumThreads());
                t.start();
                t.join();
                assertEquals(before, fresh[0]);
            }
        }
    }

    @Test
    void shouldAnswerASmallBatchOfAModelThatIsNotSlicedOnOneLibtorchThread() {
        Engine.getInstance();
        SlicedBatches.useDefaultThreads();
        int before = JniUtils.getNumThreads();
        Function<List<Integer>, List<Integer>> threadsSeen = part -> List.of(JniUtils.getNumThreads());
        List<Integer> small = IntStream.range(0, SlicedBatches.SMALL_BATCH - 1).boxed().toList();
        List<Integer> large = IntStream.range(0, SlicedBatches.SMALL_BATCH).boxed().toList();
        try (SlicedBatches slices = new SlicedBatches(2, "test-slice")) {
            for (List<Integer> batch : List.of(List.of(7), small)) {
                JniUtils.setNumThreads(2); // whatever the caller ran with (the engine's default may be 1 here)
                assertEquals(List.of(1), slices.unsliced(batch, threadsSeen), batch.size() + " requests");
                assertEquals(before, JniUtils.getNumThreads(), "the caller is back to the default");
            }
            JniUtils.setNumThreads(2);
            assertEquals(List.of(2), slices.unsliced(large, threadsSeen), "a larger batch keeps libtorch's threads");
        } finally {
            SlicedBatches.useDefaultThreads();
        }
        try (SlicedBatches whole = new SlicedBatches(1, "test-whole")) {
            JniUtils.setNumThreads(2);
            assertEquals(List.of(2), whole.unsliced(List.of(7), threadsSeen), "a device that takes whole batches");
        } finally {
            SlicedBatches.useDefaultThreads();
        }
    }

    @ParameterizedTest
    @EnumSource(EncoderConfig.Kind.class)
    void shouldGiveASequenceModelTheSameAnswersSlicedAsWhole(EncoderConfig.Kind kind) {
        Engine.getInstance().setRandomSeed(11);
        int numItems = 300;
        ItemIndex items = new ItemIndex();
        for (int i = 1; i <= numItems; i++) {
            items.add("i" + i);
        }
        Random rnd = new Random(5);
        List<RecommendRequest> batch = new ArrayList<>();
        for (int u = 0; u < 37; u++) {
            List<String> history = new ArrayList<>();
            for (int j = 0, n = 1 + rnd.nextInt(20); j < n; j++) {
                history.add("i" + (1 + rnd.nextInt(numItems)));
            }
            batch.add(new RecommendRequest("u" + u, history, 10, u % 2 == 0));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            SequenceModelBlock block = new SequenceModelBlock(new EncoderConfig(kind, numItems, 16, 12, 2, 2, 0.2f));
            block.initialize(m, DataType.FLOAT32, new Shape(1, 12));
            TopKRecommender model = new TopKRecommender("m", "v", items, SequenceScorer.idOnly(block, m), () -> {});
            assertTrue(model.recommendsConcurrently());
            List<List<ScoredItem>> whole = model.recommend(batch);
            try (SlicedBatches slices = new SlicedBatches(3, "test-slice")) {
                for (int round = 0; round < 5; round++) {
                    List<List<ScoredItem>> sliced = slices.map(batch, model::recommend);
                    assertEquals(whole.size(), sliced.size());
                    for (int r = 0; r < whole.size(); r++) {
                        assertEquals(ids(whole.get(r)), ids(sliced.get(r)), "request " + r);
                        for (int k = 0; k < whole.get(r).size(); k++) {
                            assertEquals(whole.get(r).get(k).score(), sliced.get(r).get(k).score(), 1e-4f);
                        }
                    }
                }
            }
        }
    }

    private static List<String> ids(List<ScoredItem> top) {
        return top.stream().map(ScoredItem::itemId).toList();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
