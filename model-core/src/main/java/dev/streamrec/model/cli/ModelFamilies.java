package dev.streamrec.model.cli;

import dev.streamrec.model.bm3.Bm3Family;
import dev.streamrec.model.kdsr.KdsrFamily;
import dev.streamrec.model.missrec.MissRecFamily;

import java.util.List;
import java.util.TreeSet;

/** The registry of model families: resolves a model name to the family that trains and serves it. */
public final class ModelFamilies {

    private static final List<ModelFamily> ALL =
            List.of(new KdsrFamily(), new MissRecFamily(), new Bm3Family());

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
}
