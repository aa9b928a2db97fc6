package dev.streamrec.model.missrec;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.serving.Devices;
import dev.streamrec.model.train.FullRankingEvaluator;
import dev.streamrec.model.train.TrainingOptions;
import dev.streamrec.model.train.TrainingResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streaming fine-tuning of a served MISSRec artifact (issue #7), parameter-efficient as in the
 * paper's transfer stage (§3.5; code finetune.py): the artifact's model is loaded, the positions
 * and the whole Transformer (encoder and decoder) are frozen ({@link MissRecModel#freezeTransformer}),
 * and the adapters, the token LayerNorm, α and, when transductive, the item IDs continue training on
 * the window with MISSRec's fine-tuning loss (full-softmax cross-entropy + γ · interest regulariser,
 * {@link MissRecTrainer#fineTune}), with early stopping on the window's own leave-one-out validation
 * ({@link FineTuneWindow}) and the best epoch's weights kept. The result is written as a new artifact
 * with the given version and its provenance under {@code run}: {@code fineTunedFrom},
 * {@code windowEvents}, {@code trainedEvents}, {@code leftOutEvents}, {@code validationCases},
 * {@code bestEpoch}, {@code validNdcg10Before}/{@code validNdcg10After} and {@code seconds}.
 *
 * <p>New items. MISSRec scores an item from its features, so every item the artifact holds features
 * for takes part, whether or not it occurred in the source model's training. An item without
 * features in the artifact has no tokens and cannot be learnt: its events are left out of the round
 * (counted in {@code leftOutEvents}; the user's remaining events stay in time order). That includes
 * items the stream introduced at serving time through {@code upsertItem}: their features live in the
 * serving operator's state, not in the artifact, and the operator re-applies them to every version it
 * loads, so they stay recommendable (from their content) after the swap; they become trainable once a
 * full retraining puts their features into an artifact. The catalogue, its features and, in the
 * transductive mode, the ID table keep their size: no ID rows are added (as with
 * {@link MissRecModel#addItem}, an item beyond the ID table scores 0 on the ID view).
 *
 * <p>Loop options ({@code CliArgs}, defaults sized for a round of ~30k events well under a minute on
 * two cores): the {@link TrainingOptions} of every family over {@link #DEFAULTS} ({@code --epochs 3
 * --examples-per-epoch 4096 --batch-size 256 --lr 1e-3 --patience 1 --seed 42 --clip-norm 5}),
 * {@code --eval-batch 256 --device cpu}; progress bars only with {@code --quiet false}.
 */
final class MissRecFineTuner {

    /** The round's loop defaults; every one can be overridden by its option. */
    static final TrainingOptions DEFAULTS =
            TrainingOptions.of(3, 256, 1e-3f, 1, 42).withClipNorm(MissRecFamily.CLIP_NORM).withExamplesPerEpoch(4096)
                    .withProgress(false);

    private MissRecFineTuner() {}

    /**
     * Fine-tunes the model of {@code current} on {@code window} and writes version {@code version} to
     * {@code output}.
     *
     * @throws IllegalArgumentException the window has nothing to train or validate on
     * @throws IllegalStateException the training diverged (non-finite weights, or no step applied)
     */
    /** Declares the round's options: {@link TrainingOptions} over {@link #DEFAULTS}, {@code --eval-batch}, {@code --device}. */
    static void declare(CommandOptions command) {
        TrainingOptions.declare(command, DEFAULTS);
        command.integer("eval-batch", MissRecFamily.EVAL_BATCH, "Cases per evaluation batch.")
                .text("device", "cpu", "cpu|cuda:N", "Device to train on.");
    }

    static ModelArtifact fineTune(ModelArtifact current, List<Interaction> window, String version, Path output,
            CliArgs options) throws IOException {
        long start = System.nanoTime();
        MissRecArtifacts.config(current); // refuses another model before any work
        ItemIndex items = ItemIndex.read(current.file(ModelArtifact.ITEMS));
        FineTuneWindow data = FineTuneWindow.of(window, items).requireUsable(current.version());
        TrainingOptions s = TrainingOptions.from(options);
        int evalBatch = options.getInt("eval-batch");
        try (MissRecModel model = MissRecArtifacts.read(current, Devices.available(options.get("device")))) {
            model.freezeTransformer();
            FullRankingEvaluator evaluator = new FullRankingEvaluator(evalBatch, false, MissRecFamily.CUTOFFS);
            double before = evaluator.evaluate(model::scoreAll, data.validation()).ndcg(10);
            TrainingResult r = MissRecTrainer.fineTune(model, data.train(), data.validation(), s, evalBatch);
            requireConverged(model, r, current.version());
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("model", MissRecArtifacts.MODEL);
            run.put("stage", "stream-finetune");
            run.put("fineTunedFrom", current.version());
            run.put("windowEvents", data.windowEvents());
            run.put("trainedEvents", data.trainedEvents());
            run.put("leftOutEvents", data.leftOutEvents());
            run.put("validationCases", data.validation().size());
            run.put("trainableParameters", model.params().count(true));
            run.put("parameters", model.params().count(false));
            run.put("bestEpoch", r.bestEpoch());
            run.put("training", MissRecFamily.trainingNode(r));
            run.put("validNdcg10Before", before);
            run.put("validNdcg10After", r.best() == null ? Double.NaN : r.best().score());
            run.put("seed", s.seed());
            run.put("options", new LinkedHashMap<>(options.options()));
            run.put("trainSeconds", r.seconds());
            run.put("seconds", (System.nanoTime() - start) / 1e9);
            return MissRecArtifacts.write(output, model, items, version, run);
        }
    }

    /** Refuses weights that are not finite, and a round in which no training step was applied. */
    private static void requireConverged(MissRecModel model, TrainingResult r, String from) {
        if (r.steps() == 0 || r.diverged()) {
            throw new IllegalStateException("fine-tuning of " + from + " diverged: " + r.skippedSteps()
                    + " steps had a non-finite loss or gradient; not written");
        }
        MissRecTrainer.snapshot(model.params()).forEach((name, values) -> {
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new IllegalStateException("fine-tuning of " + from + " diverged (non-finite " + name
                            + "); not written");
                }
            }
        });
    }
}
