package dev.streamrec.model.bm3;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ArtifactException;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.data.ModalityFeatures;
import dev.streamrec.model.train.TrainingOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Streaming fine-tuning of a BM3-family artifact (issue #7): continued training of the artifact's
 * model on a window of recent interactions with the same losses (BM3: reconstruction + alignment +
 * masking + regulariser; LightGCN/MF: BPR), starting from the artifact's weights.
 *
 * <p>The graph grows: the propagation graph is the artifact's training graph plus the window's
 * training edges, while the loss batches are the window's edges only. Users new in the window get
 * an E_u row initialised by LightGCN fold-in (Σ_i E_i / sqrt(|N(u)| d_i) over their window items);
 * items new in the window get an E_i row initialised from their modality projection,
 * ‖Ē‖·unit(mean_m P(x_m W_m + b_m)) with ‖Ē‖ the mean norm of the trained E_i rows (the alignment
 * loss trains P z_m toward h_i, so it is the model's own cold-start estimate), when the artifact
 * has modalities; without modalities (LightGCN, MF) new items start Xavier-uniform as in training.
 * A new item's raw feature row comes from the {@code --features} files of the options when they
 * hold it, otherwise the table's mean row (the paper data's rule for items without a feature).
 *
 * <p>Held out: per user with at least {@link #MIN_NEW_ITEMS} new window items, the newest 10% (at
 * least one) are the validation targets of early stopping on Recall@20 (training items masked).
 * Options: {@code --epochs} (default 10), {@code --patience} (3), {@code --lr} (the artifact's),
 * {@code --batch}, {@code --seed}, {@code --features}.
 */
final class Bm3FineTuner {

    /** Users need this many new window items to give a held-out item. */
    static final int MIN_NEW_ITEMS = 3;
    private static final double HELD_OUT_FRACTION = 0.1;

    private Bm3FineTuner() {}

    /** The window cut into the grown catalogue, users and graph. */
    private record Window(ItemIndex items, List<String> users, int[][] graph, int[][] pairs, int[][] heldOut,
            int newUsers, int newItems) {}

    static ModelArtifact fineTune(ModelArtifact current, List<Interaction> window, String version, Path output,
            CliArgs options) throws Exception {
        Bm3Family.limitThreads();
        long t0 = System.nanoTime();
        Bm3ServingState base = Bm3ArtifactIO.read(current);
        TrainingOptions training = TrainingOptions.from(options);
        Bm3Config config = base.config().withTraining(training);
        Window w = cut(base, window);
        if (Arrays.stream(w.heldOut()).allMatch(h -> h.length == 0)) {
            throw new IllegalStateException("no user has " + MIN_NEW_ITEMS + " new items in the window of "
                    + window.size() + " events; nothing to validate on");
        }
        Map<String, float[][]> features = featureTables(current, base, w.items(), options);
        Engine.getInstance().setRandomSeed((int) config.seed());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            InteractionGraph graph = new InteractionGraph(w.users().size(), w.items().size() + 1, w.graph());
            Bm3Trainer.Fit fit;
            Bm3ServingState state;
            try (Bm3Model model = new Bm3Model(config, graph, features, manager)) {
                initialise(model, base, graph, w, features);
                fit = new Bm3Trainer(config, training).fit(model, w.pairs(), w.graph(), w.heldOut(), manager);
                if (!model.isFinite() || fit.validation() == null || fit.run().diverged()) {
                    throw new IllegalStateException("fine-tuning of " + current.version()
                            + " diverged (NaN or infinite weights); not written");
                }
                state = Bm3ServingState.fromModel(model, w.items(), w.users(), w.graph());
            }
            ObjectNode info = Bm3ArtifactIO.info(current).isObject()
                    ? ((ObjectNode) Bm3ArtifactIO.info(current)).deepCopy()
                    : JsonNodeFactory.instance.objectNode();
            info.remove(List.of("split", "test", "epochsRun", "secondsPerEpoch", "peakRssMiB"));
            info.put("data", "fine-tuning window");
            info.put("fineTunedFrom", current.version());
            info.put("windowEvents", window.size());
            info.put("trainPairs", Arrays.stream(w.pairs()).mapToInt(p -> p.length).sum());
            info.put("heldOutItems", Arrays.stream(w.heldOut()).mapToInt(p -> p.length).sum());
            info.put("newUsers", w.newUsers()).put("newItems", w.newItems());
            info.put("bestEpoch", fit.bestEpoch()).put("epochsRun", fit.epochsRun());
            fit.run().writeTo(info.putObject("run"));
            info.put("seconds", (System.nanoTime() - t0) / 1e9);
            ObjectNode valid = info.putObject("validation");
            fit.validation().asMap().forEach(valid::put);
            info.putArray("epochLosses").addAll(Arrays.stream(fit.epochLosses())
                    .mapToObj(JsonNodeFactory.instance::numberNode).toList());
            return Bm3ArtifactIO.write(output, state, version, info);
        }
    }

    /** A round's optimisation defaults: the artifact's rate and batch, 10 epochs, patience 3. */
    static TrainingOptions defaults(Bm3Config c) {
        return TrainingOptions.of(10, c.batchSize(), (float) c.learningRate(), 3, c.seed()).withProgress(false);
    }

    /** Declares the round's options: {@link TrainingOptions} over {@link #defaults}, {@code --features}. */
    static void declare(Bm3Config c, CommandOptions command) {
        TrainingOptions.declare(command, defaults(c));
        command.list("features", "FILE", "Feature files of the window's new items, per modality of the artifact.");
    }

    /** Grows users, items and graph by the window; the newest 10% of a user's new items are held out. */
    private static Window cut(Bm3ServingState base, List<Interaction> window) {
        List<Interaction> sorted = new ArrayList<>(window);
        sorted.sort(Interaction.REPLAY_ORDER);
        ItemIndex items = ItemIndex.of(base.items().ids());
        List<String> users = new ArrayList<>(base.users());
        Map<String, Integer> userIndex = new HashMap<>();
        for (int u = 0; u < users.size(); u++) {
            userIndex.put(users.get(u), u);
        }
        Map<Integer, LinkedHashSet<Integer>> fresh = new LinkedHashMap<>();
        for (Interaction e : sorted) {
            int u = userIndex.computeIfAbsent(e.userId(), id -> {
                users.add(id);
                return users.size() - 1;
            });
            int i = items.indexOf(e.itemId()) > 0 ? items.indexOf(e.itemId()) : items.add(e.itemId());
            fresh.computeIfAbsent(u, k -> new LinkedHashSet<>()).add(i);
        }
        int[][] graph = new int[users.size()][];
        int[][] pairs = new int[users.size()][];
        int[][] heldOut = new int[users.size()][];
        for (int u = 0; u < users.size(); u++) {
            int[] old = u < base.users().size() ? base.userItems()[u] : new int[0];
            Set<Integer> known = new LinkedHashSet<>();
            for (int i : old) {
                known.add(i);
            }
            List<Integer> added = new ArrayList<>();
            for (int i : fresh.getOrDefault(u, new LinkedHashSet<>())) {
                if (!known.contains(i)) {
                    added.add(i);
                }
            }
            int held = added.size() < MIN_NEW_ITEMS ? 0 : (int) Math.max(1, Math.round(HELD_OUT_FRACTION * added.size()));
            List<Integer> train = added.subList(0, added.size() - held);
            heldOut[u] = added.subList(added.size() - held, added.size()).stream().mapToInt(Integer::intValue).toArray();
            pairs[u] = train.stream().mapToInt(Integer::intValue).toArray();
            int[] g = Arrays.copyOf(old, old.length + pairs[u].length);
            System.arraycopy(pairs[u], 0, g, old.length, pairs[u].length);
            graph[u] = g;
        }
        return new Window(items, users, graph, pairs, heldOut, users.size() - base.users().size(),
                items.size() - base.items().size());
    }

    /** The artifact's raw modality tables grown to the new catalogue. */
    private static Map<String, float[][]> featureTables(ModelArtifact current, Bm3ServingState base, ItemIndex items,
            CliArgs options) throws IOException, ArtifactException {
        Map<String, ModalityFeatures> files = new HashMap<>();
        for (String f : options.getList("features")) {
            ModalityFeatures mf = ModalityFeatures.read(Path.of(f));
            files.put(mf.name(), mf);
        }
        Map<String, float[][]> out = new LinkedHashMap<>();
        for (String mod : base.modalities()) {
            float[][] table = base.featureTable(mod);
            if (table == null) {
                throw new ArtifactException("artifact " + current.dir() + " (" + current.version()
                        + ") predates the stored modality tables that fine-tuning continues from; retrain it with this build");
            }
            float[] mean = meanRow(table);
            float[][] grown = Arrays.copyOf(table, items.size() + 1);
            ModalityFeatures file = files.get(mod);
            for (int i = table.length; i < grown.length; i++) {
                float[] v = file == null ? null : file.get(items.idAt(i));
                grown[i] = v != null && v.length == mean.length ? v.clone() : mean.clone();
            }
            out.put(mod, grown);
        }
        return out;
    }

    private static float[] meanRow(float[][] table) {
        float[] mean = new float[table[0].length];
        for (int i = 1; i < table.length; i++) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += table[i][j] / (table.length - 1);
            }
        }
        return mean;
    }

    /** Copies the artifact's weights into the model and initialises the rows of new users and items. */
    private static void initialise(Bm3Model model, Bm3ServingState base, InteractionGraph graph, Window w,
            Map<String, float[][]> features) {
        int d = base.config().embDim();
        float[][] itemEmb = Bm3ServingState.toMatrix(model.param("itemEmb"));
        float[][] baseItems = base.itemIdEmbedding();
        System.arraycopy(baseItems, 0, itemEmb, 0, baseItems.length);
        if (!base.modalities().isEmpty()) {
            double meanNorm = 0;
            for (int i = 1; i < baseItems.length; i++) {
                meanNorm += norm(baseItems[i]) / (baseItems.length - 1);
            }
            for (int i = baseItems.length; i < itemEmb.length; i++) {
                Map<String, float[]> x = new HashMap<>();
                for (String mod : base.modalities()) {
                    x.put(mod, features.get(mod)[i]);
                }
                float[] v = base.modalityVector(x);
                double n = norm(v);
                for (int j = 0; j < d; j++) {
                    itemEmb[i][j] = n > 0 ? (float) (v[j] / n * meanNorm) : 0f;
                }
            }
        }
        model.assign("itemEmb", itemEmb);
        float[][] userEmb = new float[w.users().size()][];
        int[] itemDegree = graph.itemDegree();
        for (int u = 0; u < userEmb.length; u++) {
            if (u < base.users().size()) {
                userEmb[u] = base.userEmbedding(u).clone();
                continue;
            }
            userEmb[u] = new float[d];
            for (int i : w.graph()[u]) {
                float wgt = InteractionGraph.edgeWeight(w.graph()[u].length, itemDegree[i]);
                for (int j = 0; j < d; j++) {
                    userEmb[u][j] += wgt * itemEmb[i][j];
                }
            }
        }
        model.assign("userEmb", userEmb);
        Map<String, float[][]> mats = base.matrices();
        for (String name : model.parameters().keySet()) {
            if (name.startsWith("predictor.") || name.startsWith("proj.")) {
                model.assign(name, mats.get(name));
            }
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
