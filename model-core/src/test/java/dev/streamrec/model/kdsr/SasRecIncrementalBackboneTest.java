package dev.streamrec.model.kdsr;

import static dev.streamrec.model.kdsr.IncrementalSequenceRecommenderTest.INDEX;
import static dev.streamrec.model.kdsr.IncrementalSequenceRecommenderTest.assertSameAnswer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.UserStateful;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only SASRec's key/value cache has: compact cache encodings, and which artifacts get a cache. */
class SasRecIncrementalBackboneTest {

    private static final int K = 5;

    @TempDir
    Path dir;

    /**
     * The same stream served with float16 and int8 caches against float32: the largest score
     * difference stays small against the scores' spread, and the top 10 are nearly the same.
     * (The measurement at the benchmark's shape is in docs/serving.md.)
     */
    @Test
    void compactCachesStayCloseToFloat32() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<CacheEncoding, IncrementalSequenceRecommender<?>> models = new HashMap<>();
            for (CacheEncoding e : CacheEncoding.values()) {
                models.put(e, IncrementalSequenceRecommenderTest.sasRec(m, "sha", e));
            }
            Map<CacheEncoding, Map<String, byte[]>> states = new HashMap<>();
            Map<CacheEncoding, Double> maxDiff = new HashMap<>();
            Map<CacheEncoding, Double> overlap = new HashMap<>();
            Random random = new Random(2);
            List<String> history = new ArrayList<>();
            int answers = 0;
            for (int step = 0; step < 40; step++) {
                history.add("i" + (1 + random.nextInt(INDEX.size())));
                Map<CacheEncoding, List<ScoredItem>> top = new HashMap<>();
                for (CacheEncoding e : CacheEncoding.values()) {
                    RecommendRequest req = new RecommendRequest("u", List.copyOf(history), 10, false,
                            states.computeIfAbsent(e, x -> new HashMap<>()).get("u"));
                    Answer answer = models.get(e).answer(List.of(req)).get(0);
                    states.get(e).put("u", answer.userState());
                    top.put(e, answer.items());
                }
                Map<String, Float> exact = new HashMap<>();
                top.get(CacheEncoding.FLOAT32).forEach(s -> exact.put(s.itemId(), s.score()));
                for (CacheEncoding e : List.of(CacheEncoding.FLOAT16, CacheEncoding.INT8)) {
                    Set<String> shared = new HashSet<>(exact.keySet());
                    shared.retainAll(top.get(e).stream().map(ScoredItem::itemId).toList());
                    overlap.merge(e, (double) shared.size() / 10, Double::sum);
                    for (ScoredItem s : top.get(e)) {
                        if (exact.containsKey(s.itemId())) {
                            maxDiff.merge(e, (double) Math.abs(s.score() - exact.get(s.itemId())), Math::max);
                        }
                    }
                }
                answers++;
            }
            assertTrue(maxDiff.get(CacheEncoding.FLOAT16) < 5e-3, "float16: " + maxDiff);
            assertTrue(maxDiff.get(CacheEncoding.INT8) < 5e-2, "int8: " + maxDiff);
            assertTrue(overlap.get(CacheEncoding.FLOAT16) / answers > 0.95, "float16 top-10 overlap " + overlap);
            assertTrue(overlap.get(CacheEncoding.INT8) / answers > 0.9, "int8 top-10 overlap " + overlap);
            assertTrue(states.get(CacheEncoding.INT8).get("u").length < states.get(CacheEncoding.FLOAT16).get("u").length);
        }
    }

    /** The family serves a rotary artifact with the cache and a learned one by re-encoding; the cache itself refuses a learned one. */
    @Test
    void servesRotaryArtifactsWithTheCacheAndLearnedOnesByReEncoding() throws Exception {
        KdsrFamily family = new KdsrFamily();
        for (EncoderConfig.Positions positions : EncoderConfig.Positions.values()) {
            Path out = dir.resolve(positions.id());
            try (NDManager m = NDManager.newBaseManager()) {
                KdsrArtifacts.writeSequenceModel(out, "sasrec", "v1",
                        IncrementalSequenceRecommenderTest.block(m, EncoderConfig.Kind.SASREC, positions), INDEX, KdsrArtifacts.newObject());
            }
            ModelArtifact artifact = ModelArtifact.load(out);
            List<RecommendRequest> batch = List.of(new RecommendRequest("u", List.of("i1", "i2", "i3"), K, true));
            try (Recommender incremental = family.loadIncrementalRecommender(artifact, "cpu");
                    Recommender window = family.loadRecommender(artifact, "cpu")) {
                boolean rotary = positions == EncoderConfig.Positions.ROTARY;
                assertEquals(rotary, incremental instanceof UserStateful, positions.id());
                assertSameAnswer(window.recommend(batch).get(0), incremental.recommend(batch).get(0), 1e-4f);
            }
            if (positions == EncoderConfig.Positions.LEARNED) {
                ArtifactException refused = assertThrows(ArtifactException.class,
                        () -> IncrementalSequenceRecommender.load(artifact, Device.cpu(), CacheEncoding.DEFAULT));
                assertTrue(refused.getMessage().contains("rotary"), refused.getMessage());
                assertFalse(artifact.config().path("hyperParameters").has("positions"), "learned artifacts keep their config");
            } else {
                assertEquals("rotary", artifact.config().path("hyperParameters").path("positions").asText());
                assertInstanceOf(IncrementalSequenceRecommender.class, family.loadIncrementalRecommender(artifact, "cpu"));
            }
        }
    }
}
