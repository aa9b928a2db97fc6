package dev.streamrec.model.kdsr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.backbone.EncoderConfig;
import dev.streamrec.model.backbone.LossSettings;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
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

    /** Declares the options {@link #parse} reads for {@code model} (the distillation ones for {@code kdsr-*} only). */
    static void declare(String model, CommandOptions c) {
        c.integer("dim", 64, "Embedding and hidden size.")
                .integer("max-len", 50, "The most recent items of a history the encoder reads.")
                .integer("layers", 2, "Encoder layers.")
                .integer("heads", 1, "Attention heads (SASRec).")
                .decimal("dropout", 0.2, "Dropout rate.");
        if (model.endsWith("sasrec")) {
            c.text("positions", EncoderConfig.Positions.DEFAULT.id(), "NAME",
                    "SASRec position scheme: learned (absolute embeddings) or rotary (RoPE; allows the key/value cache "
                            + "of incremental inference).");
        }
        TrainingOptions.declare(c, DEFAULTS);
        LossSettings.declare(c);
        if (distils(model)) {
            KdsrConfig d = KdsrConfig.defaults();
            c.decimal("lambda1", d.lambda1(), "Weight of the holistic correlation-distillation loss.")
                    .decimal("lambda2", d.lambda2(), "Weight of the dissected correlation-distillation loss.")
                    .decimal("tau", d.tau(), "Temperature of the distillation losses.")
                    .integer("codebook-d", d.codebookD(), "Correlation codebook: sub-vector count.")
                    .integer("codebook-k", d.codebookK(), "Correlation codebook: codes per sub-vector.")
                    .text("holistic", d.holistic().id(), "NAME", "Holistic loss variant (see KdsrConfig.Holistic).")
                    .flag("async", d.async(), "Distil asynchronously (the teacher's weight decays with --async-factor).")
                    .decimal("async-factor", d.asyncFactor(), "Decay factor of the asynchronous distillation weight.")
                    .decimal("ae-noise", d.aeNoise(), "Input noise of the teachers' denoising autoencoder.")
                    .integer("ae-epochs", d.aeEpochs(), "Epochs of the teachers' denoising autoencoder.")
                    .integer("dissected-pairs", d.dissectedPairs(), "Item pairs per step of the dissected loss.");
        }
        c.path("output", Path.of(System.getProperty("java.io.tmpdir"), "streamrec-" + model), "Artifact directory to write.")
                .flag("exclude-history", false, "Rank without the items already in the user's history.");
    }

    static TrainingRun parse(String model, CliArgs a) {
        EncoderConfig.Kind kind = model.equals(KdsrArtifacts.POPULARITY_MODEL)
                ? EncoderConfig.Kind.SASREC
                : KdsrArtifacts.backboneOf(model);
        EncoderConfig.Positions positions = model.endsWith("sasrec")
                ? EncoderConfig.Positions.of(a.get("positions"))
                : EncoderConfig.Positions.DEFAULT;
        EncoderConfig encoder = new EncoderConfig(kind, 1, a.getInt("dim"), a.getInt("max-len"), a.getInt("layers"),
                a.getInt("heads"), (float) a.getDouble("dropout"), positions);
        TrainingOptions settings = TrainingOptions.from(a);
        LossSettings.parse(a, encoder.numItems()); // refuses invalid loss options before any work
        KdsrConfig kdsr = !distils(model) ? KdsrConfig.defaults() : new KdsrConfig(
                a.getDouble("lambda1"), a.getDouble("lambda2"), a.getDouble("tau"),
                a.getInt("codebook-d"), a.getInt("codebook-k"), KdsrConfig.Holistic.of(a.get("holistic")),
                a.getBoolean("async"), a.getDouble("async-factor"), a.getDouble("ae-noise"), a.getInt("ae-epochs"),
                a.getInt("dissected-pairs"));
        return new TrainingRun(encoder, settings, a, kdsr, a.getPath("output"), a.getBoolean("exclude-history"));
    }

    /** Whether {@code model} is trained with correlation distillation ({@code kdsr-sasrec}, {@code kdsr-gru4rec}). */
    static boolean distils(String model) {
        return model.startsWith("kdsr-");
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
