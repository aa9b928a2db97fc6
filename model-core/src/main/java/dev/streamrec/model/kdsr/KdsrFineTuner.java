package dev.streamrec.model.kdsr;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.backbone.LossSettings;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.data.SequenceDataset;
import dev.streamrec.model.train.FullRankingEvaluator;
import dev.streamrec.model.train.TrainingOptions;
import dev.streamrec.model.train.TrainingResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streaming fine-tuning of a served sequence encoder: continues training the artifact's backbone
 * on a window of recent interactions with the recommendation loss (early stopping on the window's
 * own leave-one-out validation), and writes the result as a new version in the same artifact
 * format. Items the served catalogue does not know yet (the drift a stream brings) are appended to
 * the item index and the embedding table ({@link CatalogueGrowth}: mean of the existing rows plus
 * small noise) and learnt in the same round, so the new version can recommend them. Only users with
 * at least {@value #MIN_EVENTS_PER_USER} events in the window train (a training part plus
 * validation and test items); items seen only in other users' events are not added. The
 * correlation-distillation heads are training-only and not part of the served artifact, so KDSR
 * variants continue with the recommendation loss alone. Options: the {@link TrainingOptions} of
 * every family over {@link #DEFAULTS} (2 epochs, batch 128, lr 5e-4, patience 1, seed 42), and
 * {@code --grow-catalogue} (true; false leaves unknown items out as before).
 */
final class KdsrFineTuner {

    static final int MIN_EVENTS_PER_USER = 5;

    /** A fine-tuning round's optimisation defaults: short, at half the training rate. */
    static final TrainingOptions DEFAULTS = TrainingOptions.of(2, 128, 5e-4f, 1, 42).withProgress(false);

    private KdsrFineTuner() {}

    /** Declares the round's options: {@link TrainingOptions} over {@link #DEFAULTS}, the loss, {@code --grow-catalogue}. */
    static void declare(CommandOptions command) {
        TrainingOptions.declare(command, DEFAULTS);
        LossSettings.declare(command);
        command.flag("grow-catalogue", true, "Append the window's unknown items to the catalogue and learn them "
                + "(false leaves them out).");
    }

    static ModelArtifact fineTune(ModelArtifact current, List<Interaction> window, String version, Path output,
            CliArgs options) throws Exception {
        KdsrFamily.limitThreads();
        ItemIndex served = ItemIndex.read(current.file(ModelArtifact.ITEMS));
        boolean grow = options.getBoolean("grow-catalogue");
        Map<String, Integer> perUser = new HashMap<>();
        for (Interaction i : window) {
            if (grow || served.indexOf(i.itemId()) > 0) {
                perUser.merge(i.userId(), 1, Integer::sum);
            }
        }
        List<Interaction> trained = new ArrayList<>();
        for (Interaction i : window) {
            if ((grow || served.indexOf(i.itemId()) > 0) && perUser.get(i.userId()) >= MIN_EVENTS_PER_USER) {
                trained.add(i);
            }
        }
        if (trained.isEmpty()) {
            throw new IllegalStateException("no user has " + MIN_EVENTS_PER_USER + " usable events in the window");
        }
        // A copy of the served index, extended in replay order by the window's new items.
        ItemIndex items = ItemIndex.of(served.ids());
        SequenceDataset data = SequenceDataset.of(trained, items);
        int newItems = items.size() - served.size();
        LeaveOneOutSplit split = new LeaveOneOutSplit(data);
        TrainingOptions settings = TrainingOptions.from(options);
        long seed = settings.seed();
        try (KdsrArtifacts.LoadedSequenceModel loaded = KdsrArtifacts.loadSequenceModel(current, Device.cpu());
                KdsrArtifacts.LoadedSequenceModel model = newItems == 0 ? null
                        : CatalogueGrowth.grow(loaded, items.size(), seed)) {
            KdsrArtifacts.LoadedSequenceModel tuned = model == null ? loaded : model;
            LossSettings loss = LossSettings.parse(options, items.size());
            KdsrTrainingBlock block = new KdsrTrainingBlock(tuned.block(), List.of(), KdsrConfig.defaults(), loss.loss());
            FullRankingEvaluator evaluator = new FullRankingEvaluator(KdsrFamily.EVAL_BATCH, false);
            TrainingResult result = SequenceTrainer.fit(tuned.model(), block, split, settings, loss,
                    KdsrConfig.defaults(), Map.of(), evaluator);
            SequenceTrainer.materialise(block, tuned.model().getNDManager());
            if (result.diverged() || tuned.block().items().weight().getArray().isNaN().any().getBoolean()) {
                throw new IllegalStateException("fine-tuning of " + current.version() + " diverged (NaN weights); not written");
            }
            ObjectNode provenance = KdsrArtifacts.newObject();
            provenance.put("fineTunedFrom", current.version());
            provenance.put("windowEvents", window.size());
            provenance.put("trainedEvents", trained.size());
            provenance.put("newItems", newItems);
            provenance.put("bestEpoch", result.bestEpoch());
            provenance.put("trainSeconds", result.secondsToBest());
            result.writeTo(provenance.putObject("run"));
            return KdsrArtifacts.writeSequenceModel(output, current.model(), version, block.backbone(), items, provenance);
        }
    }
}
