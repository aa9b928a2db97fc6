package dev.streamrec.model.kdsr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.LossSettings;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.train.TrainingOptions;

import java.nio.file.Path;

/**
 * The options of one {@code train} call, parsed and validated from the command line: encoder shape,
 * optimisation settings, KDSR config, output directory and evaluation protocol. Defaults are the
 * project's chosen MovieLens settings (docs/results-kdsr.md).
 */
record TrainingRun(EncoderConfig encoder, TrainingOptions settings, CliArgs lossOptions, KdsrConfig kdsr, Path output,
        boolean excludeHistory) {

    /** The KDSR encoders' optimisation defaults (docs/results-kdsr.md). */
    static final TrainingOptions DEFAULTS = TrainingOptions.of(200, 128, 1e-3f, 5, 42);

    static TrainingRun parse(String model, CliArgs a) {
        EncoderConfig.Kind kind = model.equals(KdsrArtifacts.POPULARITY_MODEL)
                ? EncoderConfig.Kind.SASREC
                : KdsrArtifacts.backboneOf(model);
        EncoderConfig encoder = new EncoderConfig(kind, 1,
                a.getInt("dim", 64), a.getInt("max-len", 50), a.getInt("layers", 2), a.getInt("heads", 1),
                (float) a.getDouble("dropout", 0.2));
        TrainingOptions settings = TrainingOptions.from(a, DEFAULTS);
        LossSettings.parse(a, encoder.numItems()); // refuses invalid loss options before any work
        KdsrConfig d = KdsrConfig.defaults();
        KdsrConfig kdsr = new KdsrConfig(
                a.getDouble("lambda1", d.lambda1()), a.getDouble("lambda2", d.lambda2()), a.getDouble("tau", d.tau()),
                a.getInt("codebook-d", d.codebookD()), a.getInt("codebook-k", d.codebookK()),
                KdsrConfig.Holistic.of(a.get("holistic", d.holistic().id())),
                a.getBoolean("async", d.async()), a.getDouble("async-factor", d.asyncFactor()),
                a.getDouble("ae-noise", d.aeNoise()), a.getInt("ae-epochs", d.aeEpochs()),
                a.getInt("dissected-pairs", d.dissectedPairs()));
        Path output = a.getPath("output", Path.of(System.getProperty("java.io.tmpdir"), "streamrec-" + model));
        return new TrainingRun(encoder, settings, a, kdsr, output, a.getBoolean("exclude-history", false));
    }

    /** The loss and its negatives for a catalogue of {@code numItems} (the default depends on its size). */
    LossSettings loss(int numItems) {
        return LossSettings.parse(lossOptions, numItems);
    }

    /** Provenance for the artifact's {@code training} node. */
    void writeTo(ObjectNode node, boolean withKdsr, int numItems) {
        ObjectNode s = node.putObject("settings");
        settings.writeTo(s);
        loss(numItems).writeTo(s);
        if (withKdsr) {
            kdsr.writeTo(node.putObject("kdsr"));
        }
    }
}
