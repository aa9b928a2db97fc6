package dev.streamrec.model.missrec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ArtifactWriter;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.data.ItemIndex;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes MISSRec artifacts: config.json (hyper-parameters + the run's metadata), items.txt,
 * {@code weights.ndlist} (named parameters), {@code features.ndlist} (the raw modality features the
 * adapters need at serving time, aligned to the items) and, for k-means, {@code interests.ndlist}
 * (centroids and item → interest tables, consistent with the saved adapters).
 */
public final class MissRecArtifacts {

    public static final String MODEL = "missrec";
    static final String WEIGHTS = "weights.ndlist";
    static final String FEATURES = "features.ndlist";
    static final String INTERESTS = "interests.ndlist";

    private MissRecArtifacts() {}

    /**
     * Writes an artifact.
     *
     * @param run free-form metadata (stage, split, seed, metrics) stored under {@code run}
     */
    public static ModelArtifact write(Path dir, MissRecModel model, ItemIndex items, Map<String, Object> run)
            throws IOException {
        return write(dir, model, items, MODEL + "-" + System.currentTimeMillis(), run);
    }

    /**
     * Writes an artifact under a given version (the streaming fine-tuning names its rounds).
     *
     * @param run free-form metadata (stage, split, seed, metrics, provenance) stored under {@code run}
     */
    public static ModelArtifact write(Path dir, MissRecModel model, ItemIndex items, String version,
            Map<String, Object> run) throws IOException {
        ObjectNode config = ArtifactWriter.newConfig(MODEL, version);
        model.config().writeTo((ObjectNode) config.get("hyperParameters"));
        config.set("run", new ObjectMapper().valueToTree(run));
        ArtifactWriter w = new ArtifactWriter(dir);
        try {
            w.config(config).items(items);
            w.file(WEIGHTS, out -> model.params().write(out));
            w.file(FEATURES, out -> {
                NDList list = new NDList();
                for (int mod = 0; mod < model.config().numModalities(); mod++) {
                    NDArray f = model.features().get(mod);
                    f.setName(model.config().modalities().get(mod));
                    list.add(f);
                }
                list.encode(out);
            });
            GlobalInterests g = model.globalInterests();
            if (g != null) {
                w.file(INTERESTS, out -> {
                    try (NDManager tmp = model.manager().newSubManager()) {
                        NDList list = new NDList(g.centroids());
                        for (int[] t : g.table()) {
                            list.add(tmp.create(t));
                        }
                        list.encode(out);
                    }
                });
            }
            return w.commit();
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    /** The artifact's config; refuses another model or hyper-parameters this version does not know. */
    public static MissRecConfig config(ModelArtifact artifact) {
        if (!MODEL.equals(artifact.model())) {
            throw new IllegalArgumentException("artifact holds model " + artifact.model() + ", not " + MODEL);
        }
        return MissRecConfig.readFrom(artifact.config().get("hyperParameters"));
    }

    /** Loads the model of an artifact onto a device, ready to score (catalogue cached). */
    public static MissRecModel read(ModelArtifact artifact, Device device) throws IOException {
        MissRecConfig c = config(artifact);
        List<float[][]> features = readFeatures(artifact, c);
        MissRecModel model = MissRecModel.create(c, features, device);
        try (InputStream in = artifact.open(WEIGHTS)) {
            model.params().read(in, n -> false);
        }
        if (c.interest() == MissRecConfig.InterestMethod.KMEANS) {
            try (InputStream in = artifact.open(INTERESTS)) {
                NDList list = NDList.decode(model.manager(), in);
                int[][] table = new int[c.numModalities()][];
                for (int mod = 0; mod < table.length; mod++) {
                    table[mod] = list.get(mod + 1).toType(DataType.INT32, false).toIntArray();
                }
                model.setGlobalInterests(new GlobalInterests(table, list.get(0)));
            }
        }
        model.freezeCatalogue();
        return model;
    }

    /** Copies pre-trained weights into a fresh model (IDs and α may be absent or differ in size). */
    public static void loadPretrained(MissRecModel model, ModelArtifact pretrained) throws IOException {
        MissRecConfig p = config(pretrained);
        MissRecConfig c = model.config();
        if (!p.modalities().equals(c.modalities()) || !p.modalityDims().equals(c.modalityDims())
                || p.hidden() != c.hidden() || p.heads() != c.heads() || p.ffn() != c.ffn()
                || p.encoderLayers() != c.encoderLayers() || p.decoderLayers() != c.decoderLayers()
                || p.maxLen() != c.maxLen()) {
            throw new IllegalArgumentException("pre-trained architecture " + p + " does not match " + c);
        }
        try (InputStream in = pretrained.open(WEIGHTS)) {
            model.params().read(in, n -> n.equals("id") || n.equals("alpha"));
        }
    }

    private static List<float[][]> readFeatures(ModelArtifact artifact, MissRecConfig c) throws IOException {
        List<float[][]> out = new ArrayList<>();
        try (NDManager tmp = NDManager.newBaseManager(Device.cpu());
                InputStream in = artifact.open(FEATURES)) {
            NDList list = NDList.decode(tmp, in);
            for (int mod = 0; mod < c.numModalities(); mod++) {
                NDArray f = list.get(mod);
                if (!c.modalities().get(mod).equals(f.getName())) {
                    throw new IOException("features of " + f.getName() + " where " + c.modalities().get(mod) + " expected");
                }
                Shape s = f.getShape();
                float[] flat = f.toFloatArray();
                float[][] t = new float[(int) s.get(0)][(int) s.get(1)];
                for (int i = 0; i < t.length; i++) {
                    System.arraycopy(flat, i * t[i].length, t[i], 0, t[i].length);
                }
                out.add(t);
            }
        }
        return out;
    }
}
