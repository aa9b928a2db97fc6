package dev.streamrec.model.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamrec.model.baseline.BaselineSettings;
import dev.streamrec.model.baseline.DecayedPopularity;
import dev.streamrec.model.baseline.ItemCooccurrence;
import dev.streamrec.model.bm3.Bm3Family;
import dev.streamrec.model.serving.Recommender;
import org.junit.jupiter.api.Test;

/** The registry resolves trained models to their family and builds the online baselines by name. */
class ModelFamiliesTest {

    private static final BaselineSettings SETTINGS = new BaselineSettings(60_000, 3, 10);

    @Test
    void shouldBuildEveryOnlineBaselineByName() {
        try (Recommender popularity = ModelFamilies.baseline("popularity", SETTINGS);
                Recommender cooccurrence = ModelFamilies.baseline("cooccurrence", SETTINGS)) {
            assertInstanceOf(DecayedPopularity.class, popularity);
            assertEquals("decay-60000ms", popularity.version());
            assertInstanceOf(ItemCooccurrence.class, cooccurrence);
            assertEquals("cooccurrence", cooccurrence.name());
        }
        assertTrue(ModelFamilies.isBaseline("popularity"));
        assertFalse(ModelFamilies.isBaseline("bm3"), "a trained model needs an artifact");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFamilies.baseline("bm3", SETTINGS));
        assertEquals("unknown baseline 'bm3'; known: [cooccurrence, popularity]", e.getMessage());
    }

    @Test
    void shouldResolveTrainedModelsToTheirFamily() {
        assertInstanceOf(Bm3Family.class, ModelFamilies.forModel("bm3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFamilies.forModel("no-such-model"));
        assertTrue(e.getMessage().startsWith("unknown model 'no-such-model'; known: ["), e.getMessage());
    }
}
