package dev.streamrec.model.cli;

import dev.streamrec.model.baseline.BaselineSettings;
import dev.streamrec.model.baseline.DecayedPopularity;
import dev.streamrec.model.baseline.ItemCooccurrence;
import dev.streamrec.model.bm3.Bm3Family;
import dev.streamrec.model.kdsr.KdsrFamily;
import dev.streamrec.model.missrec.MissRecFamily;
import dev.streamrec.model.serving.Recommender;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The registry of models, and the one place a model is registered: resolves a model name to the
 * family that trains and serves it from an artifact ({@link #forModel}), or to the online baseline
 * the stream builds by name without an artifact ({@link #baseline}).
 */
public final class ModelFamilies {

    private static final List<ModelFamily> ALL =
            List.of(new KdsrFamily(), new MissRecFamily(), new Bm3Family());

    /** The online baselines by model name. */
    private static final Map<String, Function<BaselineSettings, Recommender>> BASELINES = Map.of(
            DecayedPopularity.NAME, s -> new DecayedPopularity(s.halfLifeMillis()),
            ItemCooccurrence.NAME,
            s -> new ItemCooccurrence(s.halfLifeMillis(), s.cooccurrenceWindow(), s.cooccurrenceNeighbours()));

    private ModelFamilies() {}

    public static List<ModelFamily> all() {
        return ALL;
    }

    /** The family of a model name; fails with the list of known names. */
    public static ModelFamily forModel(String model) {
        for (ModelFamily f : ALL) {
            if (f.models().contains(model)) {
                return f;
            }
        }
        TreeSet<String> known = new TreeSet<>();
        ALL.forEach(f -> known.addAll(f.models()));
        throw new IllegalArgumentException("unknown model '" + model + "'; known: " + known);
    }

    /** Whether a model name is an online baseline, which needs no artifact. */
    public static boolean isBaseline(String model) {
        return BASELINES.containsKey(model);
    }

    /** A fresh online baseline of a model name; fails with the list of known baselines. */
    public static Recommender baseline(String model, BaselineSettings settings) {
        Function<BaselineSettings, Recommender> create = BASELINES.get(model);
        if (create == null) {
            throw new IllegalArgumentException(
                    "unknown baseline '" + model + "'; known: " + new TreeSet<>(BASELINES.keySet()));
        }
        return create.apply(settings);
    }
}
