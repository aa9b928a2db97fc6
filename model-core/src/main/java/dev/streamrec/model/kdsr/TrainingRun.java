package dev.streamrec.model.kdsr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.cli.CliArgs;

import java.nio.file.Path;

/**
 * The options of one {@code train} call, parsed and validated from the command line: encoder shape,
 * optimisation settings, KDSR config, output directory and evaluation protocol. Defaults are the
 * project's chosen MovieLens settings (docs/results-kdsr.md).
 */
record TrainingRun(EncoderConfig encoder, TrainingSettings settings, KdsrConfig kdsr, Path output, boolean excludeHistory) {

    static TrainingRun parse(String model, CliArgs a) {
        EncoderConfig.Kind kind = model.equals(KdsrArtifacts.POPULARITY_MODEL)
                ? EncoderConfig.Kind.SASREC
                : KdsrArtifacts.backboneOf(model);
        EncoderConfig encoder = new EncoderConfig(kind, 1,
                a.getInt("dim", 64), a.getInt("max-len", 50), a.getInt("layers", 2), a.getInt("heads", 1),
                (float) a.getDouble("dropout", 0.2));
        TrainingSettings settings = new TrainingSettings(
                a.getInt("epochs", 200), a.getInt("batch-size", 128), (float) a.getDouble("lr", 1e-3),
                a.getInt("patience", 5), a.getLong("seed", 42), a.getInt("sampled-negatives", 0));
        KdsrConfig d = KdsrConfig.defaults();
        KdsrConfig kdsr = new KdsrConfig(
                a.getDouble("lambda1", d.lambda1()), a.getDouble("lambda2", d.lambda2()), a.getDouble("tau", d.tau()),
                a.getInt("codebook-d", d.codebookD()), a.getInt("codebook-k", d.codebookK()),
                KdsrConfig.Holistic.of(a.get("holistic", d.holistic().id())),
                a.getBoolean("async", d.async()), a.getDouble("async-factor", d.asyncFactor()),
                a.getDouble("ae-noise", d.aeNoise()), a.getInt("ae-epochs", d.aeEpochs()));
        Path output = a.getPath("output", Path.of(System.getProperty("java.io.tmpdir"), "streamrec-" + model));
        return new TrainingRun(encoder, settings, kdsr, output, a.getBoolean("exclude-history", false));
    }

    /** Provenance for the artifact's {@code training} node. */
    void writeTo(ObjectNode node, boolean withKdsr) {
        ObjectNode s = node.putObject("settings");
        s.put("epochs", settings.epochs());
        s.put("batchSize", settings.batchSize());
        s.put("learningRate", settings.learningRate());
        s.put("patience", settings.patience());
        s.put("sampledNegatives", settings.sampledNegatives());
        if (withKdsr) {
            kdsr.writeTo(node.putObject("kdsr"));
        }
    }
}
