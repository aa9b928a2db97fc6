package dev.streamrec.model.kdsr;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.ItemIndex;
import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.data.SequenceDataset;
import dev.streamrec.model.train.FullRankingEvaluator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streaming fine-tuning of a served sequence encoder: continues training the artifact's backbone
 * on a window of recent interactions with the recommendation loss (early stopping on the window's
 * own leave-one-out validation), and writes the result as a new version. An ID-based encoder can
 * only learn items it has rows for, so interactions with items outside the artifact's catalogue are
 * left out (they reach the model at the next full retraining). The correlation-distillation heads
 * are training-only and not part of the served artifact, so KDSR variants continue with the
 * recommendation loss alone.
 */
final class KdsrFineTuner {

    private static final int MIN_EVENTS_PER_USER = 5;

    private KdsrFineTuner() {}

    static ModelArtifact fineTune(ModelArtifact current, List<Interaction> window, String version, Path output,
            CliArgs options) throws Exception {
        KdsrFamily.limitThreads();
        ItemIndex items = ItemIndex.read(current.file(ModelArtifact.ITEMS));
        Map<String, Integer> perUser = new HashMap<>();
        for (Interaction i : window) {
            if (items.indexOf(i.itemId()) > 0) {
                perUser.merge(i.userId(), 1, Integer::sum);
            }
        }
        // Users need a training part plus validation and test items in the window.
        List<Interaction> known = new ArrayList<>();
        for (Interaction i : window) {
            if (items.indexOf(i.itemId()) > 0 && perUser.get(i.userId()) >= MIN_EVENTS_PER_USER) {
                known.add(i);
            }
        }
        if (known.isEmpty()) {
            throw new IllegalStateException("no user has " + MIN_EVENTS_PER_USER + " known items in the window");
        }
        SequenceDataset data = SequenceDataset.of(known, items);
        LeaveOneOutSplit split = new LeaveOneOutSplit(data);
        TrainingSettings settings = new TrainingSettings(options.getInt("epochs", 2), options.getInt("batch-size", 128),
                (float) options.getDouble("lr", 5e-4), options.getInt("patience", 1), options.getLong("seed", 42), 0);
        try (KdsrArtifacts.LoadedSequenceModel loaded = KdsrArtifacts.loadSequenceModel(current, Device.cpu())) {
            KdsrTrainingBlock block = new KdsrTrainingBlock(loaded.block(), List.of(), KdsrConfig.defaults());
            FullRankingEvaluator evaluator = new FullRankingEvaluator(KdsrFamily.EVAL_BATCH, false);
            SequenceTrainer.Result result = SequenceTrainer.fit(loaded.model(), block, split, settings,
                    KdsrConfig.defaults(), Map.of(), evaluator);
            SequenceTrainer.materialise(block, loaded.model().getNDManager());
            if (loaded.block().items().weight().getArray().isNaN().any().getBoolean()) {
                throw new IllegalStateException("fine-tuning of " + current.version() + " diverged (NaN weights); not written");
            }
            ObjectNode provenance = KdsrArtifacts.newObject();
            provenance.put("fineTunedFrom", current.version());
            provenance.put("windowEvents", window.size());
            provenance.put("trainedEvents", known.size());
            provenance.put("bestEpoch", result.bestEpoch());
            provenance.put("trainSeconds", result.trainSeconds());
            return KdsrArtifacts.writeSequenceModel(output, current.model(), version, block.backbone(), items, provenance);
        }
    }
}
