package dev.streamrec.model.stress;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.bm3.NamedMatrices;
import dev.streamrec.model.kdsr.KdsrArtifacts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/**
 * Counts the NaN and infinite values among the trained weights of an artifact, whatever its family
 * wrote: MISSRec's {@code weights.ndlist} (named NDArrays), BM3's {@code weights.bin}
 * ({@link NamedMatrices}), KDSR's {@code weights.params} (the DJL block, loaded back). A stress run
 * whose trainer never reported a skipped step can still have written poisoned weights.
 */
public final class ArtifactWeights {

    /** Non-finite values among {@code checked} weight values. */
    public record Count(long nonFinite, long checked) {}

    private ArtifactWeights() {}

    public static Count count(ModelArtifact artifact) throws IOException {
        if (Files.exists(artifact.file("weights.ndlist"))) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu()); InputStream in = artifact.open("weights.ndlist")) {
                long bad = 0;
                long all = 0;
                for (NDArray a : NDList.decode(m, in)) {
                    bad += nonFinite(a.toFloatArray());
                    all += a.size();
                }
                return new Count(bad, all);
            }
        }
        if (Files.exists(artifact.file("weights.bin"))) {
            try (InputStream in = artifact.open("weights.bin")) {
                long bad = 0;
                long all = 0;
                for (float[][] matrix : NamedMatrices.read(in).values()) {
                    for (float[] row : matrix) {
                        bad += nonFinite(row);
                        all += row.length;
                    }
                }
                return new Count(bad, all);
            }
        }
        if (Files.exists(artifact.file(KdsrArtifacts.WEIGHTS))) {
            try (KdsrArtifacts.LoadedSequenceModel loaded = KdsrArtifacts.loadSequenceModel(artifact, Device.cpu())) {
                long bad = 0;
                long all = 0;
                for (Pair<String, Parameter> p : loaded.block().getParameters()) {
                    NDArray a = p.getValue().getArray();
                    bad += nonFinite(a.toFloatArray());
                    all += a.size();
                }
                return new Count(bad, all);
            }
        }
        throw new IOException("artifact " + artifact.dir() + " (" + artifact.model() + ") has no weights file this check reads");
    }

    static long nonFinite(float[] values) {
        long n = 0;
        for (float v : values) {
            if (!Float.isFinite(v)) {
                n++;
            }
        }
        return n;
    }
}
