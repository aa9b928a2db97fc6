package dev.streamrec.model.missrec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.serving.BlockedTopK;
import dev.streamrec.model.train.TrainingOptions;
import dev.streamrec.model.train.TrainingResult;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

class MissRecModelTest {

    private static final float TOL = 1e-4f;

    private static MissRecModel model(MissRecConfig c, SyntheticData data) {
        Engine.getInstance().setRandomSeed(7);
        return MissRecModel.create(c, data.features, Device.cpu());
    }

    @Test
    void shouldProduceUnitUserVectorsAndCatalogueLogits() {
        SyntheticData data = new SyntheticData(1, 4, 12);
        for (MissRecConfig.InterestMethod im : MissRecConfig.InterestMethod.values()) {
            try (MissRecModel m = model(SyntheticData.config(MissRecConfig.Mode.TRANSDUCTIVE, im), data);
                    NDScope scope = new NDScope()) {
                int[][] h = {{1, 2, 3}, {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}};
                MissRecModel.Output o = m.forward(SequenceBatch.of(h, 10), false, false);
                assertEquals(2, o.user().getShape().get(0));
                assertEquals(16, o.user().getShape().get(1));
                float[] norms = o.user().square().sum(new int[] {1}).toFloatArray();
                assertEquals(1f, norms[0], TOL);
                assertEquals(1f, norms[1], TOL);
                NDArray logits = m.catalogueLogits(o.user());
                assertEquals(2, logits.getShape().get(0));
                assertEquals(SyntheticData.ITEMS + 1, logits.getShape().get(1));
                // |fused score| <= 1 so |logit| <= 1 / tau, except the padding column
                float[] l = logits.toFloatArray();
                for (int i = 0; i < l.length; i++) {
                    if (i % (SyntheticData.ITEMS + 1) != 0) {
                        assertTrue(Math.abs(l[i]) <= 1f / 0.07f + TOL);
                    }
                }
            }
        }
    }

    @Test
    void shouldServeTheSameCandidatesWhetherTheCatalogueIsScoredWholeOrInBlocks() {
        SyntheticData data = new SyntheticData(2, 6, 12);
        int[][] h = data.sequences.toArray(int[][]::new);
        int depth = 15;
        for (MissRecConfig.Mode mode : MissRecConfig.Mode.values()) {
            for (MissRecConfig.Fusion fusion : MissRecConfig.Fusion.values()) {
                String what = mode + "/" + fusion;
                try (MissRecModel m = model(SyntheticData.config(mode, MissRecConfig.InterestMethod.DPC_KNN, fusion),
                        data)) {
                    NDArray alpha = m.params().get("alpha"); // trained α is not 0: weights differ per item and user
                    alpha.addi(alpha.getManager().randomUniform(2f, 8f, alpha.getShape()));
                    m.freezeCatalogue();
                    SequenceBatch batch = SequenceBatch.of(h, 10);
                    BlockedTopK.Candidates whole = m.score(batch, null, depth, SyntheticData.ITEMS + 1).candidates();
                    float[][] all = m.scoreAll(h);
                    for (int rows : new int[] {1, 7, SyntheticData.ITEMS}) { // 41 rows: 41, 6 and 2 blocks
                        BlockedTopK.Candidates blocked = m.score(batch, null, depth, rows).candidates();
                        for (int r = 0; r < h.length; r++) {
                            assertArrayEquals(whole.indices()[r], blocked.indices()[r], what + " row " + r);
                            for (int c = 0; c < depth; c++) {
                                assertEquals(whole.scores()[r][c], blocked.scores()[r][c], 1e-5f, what);
                                assertEquals(all[r][blocked.indices()[r][c]], blocked.scores()[r][c], 1e-4f, what);
                            }
                        }
                    }
                    int[] best = dev.streamrec.model.metrics.TopK.select(all[0], depth, new boolean[all[0].length], 1);
                    assertArrayEquals(best, Arrays.copyOf(whole.indices()[0], depth), what);
                }
            }
        }
    }

    /**
     * A frozen catalogue is scored through {@link FoldedFusion} and its histories' tokens are gathered
     * from the frozen adapter outputs: the same logits as the fusion and the adapters themselves.
     */
    @Test
    void shouldScoreAFrozenCatalogueAsTheFusionDoes() {
        SyntheticData data = new SyntheticData(3, 5, 12);
        int[][] h = data.sequences.toArray(int[][]::new);
        for (MissRecConfig.Mode mode : MissRecConfig.Mode.values()) {
            for (MissRecConfig.Fusion fusion : MissRecConfig.Fusion.values()) {
              for (MissRecConfig.InterestMethod interest : MissRecConfig.InterestMethod.values()) {
                String what = mode + "/" + fusion + "/" + interest;
                try (MissRecModel m = model(SyntheticData.config(mode, interest, fusion), data)) {
                    NDArray alpha = m.params().get("alpha");
                    alpha.addi(alpha.getManager().randomUniform(-6f, 6f, alpha.getShape()));
                    float[][] fused = m.scoreAll(h); // not frozen: DynamicFusion itself
                    m.freezeCatalogue();
                    float[][] folded = m.scoreAll(h);
                    for (int r = 0; r < h.length; r++) {
                        for (int i = 1; i < fused[r].length; i++) {
                            assertEquals(fused[r][i], folded[r][i], 1e-4f, what + " row " + r + " item " + i);
                        }
                    }
                }
              }
            }
        }
    }

    @Test
    void shouldIgnorePaddingWhenScoring() {
        SyntheticData data = new SyntheticData(1, 4, 12);
        try (MissRecModel m = model(SyntheticData.config(MissRecConfig.Mode.INDUCTIVE,
                MissRecConfig.InterestMethod.DPC_KNN), data)) {
            float[] alone = m.scoreAll(new int[][] {{3, 4, 5}})[0];
            float[] padded = m.scoreAll(new int[][] {{3, 4, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}})[0];
            for (int i = 1; i < alone.length; i++) {
                assertEquals(alone[i], padded[i], 1e-3f);
            }
        }
    }

    @Test
    void shouldLowerFineTuningLossAndKeepFrozenParameters() {
        SyntheticData data = new SyntheticData(3, 60, 12);
        try (MissRecModel m = model(SyntheticData.config(MissRecConfig.Mode.TRANSDUCTIVE,
                MissRecConfig.InterestMethod.DPC_KNN), data)) {
            m.freezeTransformer();
            Map<String, float[]> before = MissRecTrainer.snapshot(m.params());
            List<LeaveOneOutSplit.Case> valid = new ArrayList<>();
            List<int[]> train = new ArrayList<>();
            for (int u = 0; u < data.sequences.size(); u++) {
                int[] s = data.sequences.get(u);
                train.add(Arrays.copyOf(s, s.length - 1));
                valid.add(new LeaveOneOutSplit.Case(u, Arrays.copyOf(s, s.length - 1), s[s.length - 1]));
            }
            TrainingResult r = MissRecTrainer.fineTune(m, train, valid,
                    TrainingOptions.of(4, 32, 5e-3f, 10, 11L).withClipNorm(MissRecFamily.CLIP_NORM).withProgress(false), 64);
            List<Double> epochs = r.epochLosses();
            assertEquals(4, epochs.size());
            assertTrue(epochs.get(epochs.size() - 1) < epochs.get(0), "loss falls: " + epochs);
            Map<String, float[]> after = MissRecTrainer.snapshot(m.params());
            assertTrue(FrozenParameters.assertUnchanged(m.params(), before, after) > 10);
            assertTrue(!Arrays.equals(before.get("adapter.text.weight"), after.get("adapter.text.weight")));
            assertTrue(!Arrays.equals(before.get("id"), after.get("id")));
        }
    }

    @Test
    void shouldLowerPretrainingLoss() {
        SyntheticData data = new SyntheticData(5, 60, 12);
        try (MissRecModel m = model(SyntheticData.config(MissRecConfig.Mode.INDUCTIVE,
                MissRecConfig.InterestMethod.DPC_KNN), data)) {
            List<Double> losses = MissRecTrainer.pretrain(m, data.sequences,
                    TrainingOptions.of(4, 64, 5e-3f, 10, 13L).withClipNorm(MissRecFamily.CLIP_NORM).withProgress(false)).epochLosses();
            assertTrue(losses.get(losses.size() - 1) < losses.get(0), "loss falls: " + losses);
        }
    }
}
