package dev.streamrec.model.missrec;

import dev.streamrec.model.serving.GpuParity;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.AcceptsItemFeatures;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class MissRecArtifactsTest {

    private static final float TOL = 1e-5f;

    private static ItemIndex index() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= SyntheticData.ITEMS; i++) {
            ids.add("m" + i);
        }
        return ItemIndex.of(ids);
    }

    private static ModelArtifact save(Path dir, MissRecConfig c, SyntheticData data, float[][][] scoresOut, int[][] h)
            throws Exception {
        Engine.getInstance().setRandomSeed(3);
        try (MissRecModel m = MissRecModel.create(c, data.features, Device.cpu())) {
            if (c.interest() == MissRecConfig.InterestMethod.KMEANS) {
                m.refreshGlobalInterests(1L);
            }
            m.freezeCatalogue();
            scoresOut[0] = m.scoreAll(h);
            return MissRecArtifacts.write(dir, m, index(), Map.of("stage", "test"));
        }
    }

    @Test
    void shouldRoundTripWithIdenticalScores(@TempDir Path tmp) throws Exception {
        SyntheticData data = new SyntheticData(1, 4, 12);
        int[][] h = {{1, 2, 3}, {5, 9, 13, 17}};
        for (MissRecConfig.InterestMethod im : MissRecConfig.InterestMethod.values()) {
            float[][][] before = new float[1][][];
            ModelArtifact a = save(tmp.resolve(im.name()), SyntheticData.config(MissRecConfig.Mode.TRANSDUCTIVE, im),
                    data, before, h);
            ModelArtifact loaded = ModelArtifact.load(a.dir());
            try (MissRecModel m = MissRecArtifacts.read(loaded, Device.cpu())) {
                float[][] after = m.scoreAll(h);
                for (int b = 0; b < h.length; b++) {
                    assertArrayEquals(before[0][b], after[b], TOL);
                }
            }
        }
    }

    @Test
    void shouldRefuseUnknownHyperParameters() {
        MissRecConfig c = SyntheticData.config(MissRecConfig.Mode.INDUCTIVE, MissRecConfig.InterestMethod.DPC_KNN);
        ObjectNode node = new ObjectMapper().createObjectNode();
        c.writeTo(node);
        assertEquals(c, MissRecConfig.readFrom(node));
        node.put("mysteryKnob", 3);
        assertThrows(IllegalArgumentException.class, () -> MissRecConfig.readFrom(node));
        node.remove("mysteryKnob");
        node.put("mode", "semi-inductive");
        assertThrows(IllegalArgumentException.class, () -> MissRecConfig.readFrom(node));
    }

    @Test
    void shouldScoreABatchAndServeABrandNewItemAtOnce(@TempDir Path tmp) throws Exception {
        SyntheticData data = new SyntheticData(1, 4, 12);
        int[][] h = {{1}};
        float[][][] unused = new float[1][][];
        ModelArtifact a = save(tmp.resolve("ind"), SyntheticData.config(MissRecConfig.Mode.INDUCTIVE,
                MissRecConfig.InterestMethod.DPC_KNN), data, unused, h);
        try (Recommender r = new MissRecFamily().loadRecommender(ModelArtifact.load(a.dir()), "cpu")) {
            List<List<ScoredItem>> out = r.recommend(List.of(
                    new RecommendRequest("u1", List.of("m1", "m5"), 5, true),
                    new RecommendRequest("u2", List.of("unknown"), 5, false),
                    new RecommendRequest("u3", List.of("m2", "m3", "m4"), 3, false)));
            assertEquals(3, out.size());
            assertEquals(5, out.get(0).size());
            assertTrue(out.get(1).isEmpty());
            assertEquals(3, out.get(2).size());
            assertTrue(out.get(0).stream().noneMatch(s -> s.itemId().equals("m1") || s.itemId().equals("m5")));

            // a new item whose features equal m2's must score exactly like m2 (inductive: content only)
            RecommendRequest req = new RecommendRequest("u3", List.of("m2", "m3"), SyntheticData.ITEMS + 1, false);
            assertInstanceOf(AcceptsItemFeatures.class, r).upsertItem("brand-new", "a new movie", Map.of("text", data.features.get(0)[2], "image", data.features.get(1)[2]));
            List<ScoredItem> all = r.recommend(List.of(req)).get(0);
            float newScore = Float.NaN;
            float twinScore = Float.NaN;
            for (ScoredItem s : all) {
                if (s.itemId().equals("brand-new")) {
                    newScore = s.score();
                } else if (s.itemId().equals("m2")) {
                    twinScore = s.score();
                }
            }
            assertEquals(twinScore, newScore, TOL);
            // and it can be the history of a request too
            assertEquals(4, r.recommend(List.of(new RecommendRequest("u4", List.of("brand-new"), 4, true))).get(0).size());
        }
    }

    /**
     * Two recommenders loaded from one {@link ModelArtifact} (the serving stress reloads a version from
     * the artifact it loaded before) each have their own catalogue: an item one of them took must not
     * appear in the other's. Before the fix both shared the artifact's item index, so the second
     * took the new item for a known one and wrote past its feature table ("index 12 is out of bounds").
     */
    @Test
    void shouldKeepEachRecommendersNewItemsToItself(@TempDir Path tmp) throws Exception {
        SyntheticData data = new SyntheticData(1, 4, 12);
        ModelArtifact a = save(tmp.resolve("ind"), SyntheticData.config(MissRecConfig.Mode.INDUCTIVE,
                MissRecConfig.InterestMethod.DPC_KNN), data, new float[1][][], new int[][] {{1}});
        ModelArtifact loaded = ModelArtifact.load(a.dir());
        int known = loaded.items().size();
        Map<String, float[]> features = Map.of("text", data.features.get(0)[2], "image", data.features.get(1)[2]);
        try (Recommender first = new MissRecFamily().loadRecommender(loaded, "cpu")) {
            ((AcceptsItemFeatures) first).upsertItem("brand-new", "a new movie", features);
            assertEquals(known, loaded.items().size(), "the artifact's catalogue is not the recommender's");
            try (Recommender second = new MissRecFamily().loadRecommender(loaded, "cpu")) {
                RecommendRequest all = new RecommendRequest("u", List.of("m2"), known + 1, false);
                assertTrue(second.recommend(List.of(all)).get(0).stream().noneMatch(s -> s.itemId().equals("brand-new")));
                ((AcceptsItemFeatures) second).upsertItem("brand-new", "a new movie", features);
                assertEquals(known + 1, second.recommend(List.of(all)).get(0).size());
            }
        }
    }

    @Test
    void shouldServeTheSameTopKOnCuda(@TempDir Path tmp) throws Exception {
        GpuParity.assumeGpu();
        SyntheticData data = new SyntheticData(1, 4, 12);
        for (MissRecConfig.Mode mode : MissRecConfig.Mode.values()) {
            ModelArtifact a = save(tmp.resolve(mode.name()), SyntheticData.config(mode,
                    MissRecConfig.InterestMethod.DPC_KNN), data, new float[1][][], new int[][] {{1}});
            ModelArtifact loaded = ModelArtifact.load(a.dir());
            GpuParity.assertServesTheSameOnCuda(device -> new MissRecFamily().loadRecommender(loaded, device), List.of(
                    new RecommendRequest("u1", List.of("m1", "m5"), 5, true),
                    new RecommendRequest("u3", List.of("m2", "m3", "m4"), 3, false)), 1e-4f);
        }
    }
}
