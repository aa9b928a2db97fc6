package dev.streamrec.model.missrec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import dev.streamrec.model.missrec.MissRecConfig.InterestMethod;
import dev.streamrec.model.missrec.MissRecConfig.Mode;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Replacing an item's features (a served model told of new features for a known item) changes its
 * scores like training on those features would, and leaves nothing behind on the model's manager:
 * a stream that updates items often must not grow native memory until the next swap.
 */
class ItemReplaceTest {

    private static MissRecModel frozen(SyntheticData data) {
        MissRecModel m = MissRecModel.create(SyntheticData.config(Mode.INDUCTIVE, InterestMethod.DPC_KNN),
                data.features, Device.cpu());
        m.freezeCatalogue();
        return m;
    }

    @Test
    void shouldKeepNoArrayPerReplacedItem() {
        SyntheticData data = new SyntheticData(3, 2, 8);
        try (MissRecModel m = frozen(data)) {
            List<float[]> rows = List.of(data.features.get(0)[7].clone(), data.features.get(1)[7].clone());
            m.replaceItem(3, rows); // the first call may create lasting arrays (a refrozen catalogue)
            int before = m.manager().getManagedArrays().size();
            for (int i = 0; i < 20; i++) {
                m.replaceItem(3, rows);
            }
            assertEquals(before, m.manager().getManagedArrays().size(), "arrays left on the model's manager");
        }
    }

    @Test
    void shouldScoreAReplacedItemAsTheItemWhoseFeaturesItTook() {
        SyntheticData data = new SyntheticData(3, 2, 8);
        try (MissRecModel m = frozen(data)) {
            int[][] history = {{1, 2, 4, 5}};
            float[] before = m.scoreAll(history)[0];
            m.replaceItem(3, List.of(data.features.get(0)[7].clone(), data.features.get(1)[7].clone()));
            float[] after = m.scoreAll(history)[0];
            assertEquals(before[7], after[3], 1e-5f, "item 3 now has item 7's features: its score");
            assertArrayEquals(new float[] {before[1], before[9]}, new float[] {after[1], after[9]}, 1e-5f);
        }
    }
}
