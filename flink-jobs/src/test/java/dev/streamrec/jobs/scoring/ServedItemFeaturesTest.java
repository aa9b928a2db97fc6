package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.AcceptsItemFeatures;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.schema.event.ItemFeatures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Item features are kept only when every served model takes them, and replayed to a model loaded later. */
class ServedItemFeaturesTest {

    /** Takes features of the given dimension only, and lists the items it was given. */
    private static final class Model implements AcceptsItemFeatures {
        final String name;
        final int dim;
        final List<String> items = new ArrayList<>();

        Model(String name, int dim) {
            this.name = name;
            this.dim = dim;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String version() {
            return "v";
        }

        @Override
        public List<List<ScoredItem>> recommend(List<RecommendRequest> batch) {
            return List.of();
        }

        @Override
        public void upsertItem(String itemId, String text, Map<String, float[]> modalities) {
            if (modalities.get("image").length != dim) {
                throw new IllegalArgumentException("image has " + modalities.get("image").length + " dims, not " + dim);
            }
            items.add(itemId);
        }
    }

    /** A model as the scoring operator serves it, under its own name. */
    private static ServedModel served(Model model) {
        return new ServedModel(model.name(), model);
    }

    private static ItemFeatures item(String id, int dim) {
        return new ItemFeatures(id, "t", Map.of("image", new float[dim]));
    }

    @Test
    void shouldKeepOnlyWhatEveryModelTakesAndReplayItToALaterModel() {
        ServedItemFeatures served = new ServedItemFeatures();
        Model a = new Model("a", 4);
        Model b = new Model("b", 4);
        assertEquals(List.of(), served.upsert(item("i1", 4), List.of(served(a), served(b))));
        assertEquals(List.of("a: image has 3 dims, not 4"),
                served.upsert(item("i2", 3), List.of(served(new Model("c", 3)), served(a))));
        assertEquals(List.of("i1"), served.all().stream().map(f -> f.itemId).toList());

        Model later = new Model("a", 4);
        served.replayTo(served(later));
        assertEquals(List.of("i1"), later.items);
        Model refusing = new Model("d", 5);
        served.replayTo(served(refusing)); // refused features are skipped, not thrown
        assertEquals(List.of(), refusing.items);
    }

    @Test
    void shouldRestoreACheckpointWithTheNewestFeaturesOfAnItem() {
        ServedItemFeatures served = new ServedItemFeatures();
        served.restore(List.of(item("i1", 4), item("i2", 4), item("i1", 2)));
        assertEquals(List.of("i1", "i2"), served.all().stream().map(f -> f.itemId).toList());
        assertEquals(2, served.all().get(0).modalities.get("image").length);
    }
}
