package dev.streamrec.model.stress;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.baseline.BaselineSettings;
import dev.streamrec.model.baseline.DecayedPopularity;
import dev.streamrec.model.baseline.ItemCooccurrence;
import dev.streamrec.model.cli.ModelFamilies;
import dev.streamrec.model.cli.ModelFamily;
import dev.streamrec.model.data.ModalityFeatures;
import dev.streamrec.model.data.MovieLens;
import dev.streamrec.model.serving.Recommender;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The serving child of {@code stress-serving}, in a JVM of its own so that a native crash kills only
 * it: serves every chosen family's artifact (version a first, swapping with b), plus the family's
 * incremental recommender where it is another model (GRU4Rec's and rotary SASRec's per-user state),
 * plus the online baselines, all in this one JVM as in a task manager, and runs the
 * {@link ServingStressLoop} over the bundled MovieLens log. Usage:
 * {@code ServingStressChild GC_EVERY_MS [stress-serving options]}, the options as
 * {@link ServingStressOptions#toArgs} writes them (with the work directory the parent trained into).
 * With {@code --fine-tune-every}, fine-tuning rounds of the served families also run in this JVM
 * ({@link InJvmFineTuning}), from each family's version a, writing under {@code WORK/serving/tuned}.
 */
public final class ServingStressChild {

    /** Distinct new item ids the run upserts again and again. */
    private static final int NEW_ITEMS = 200;
    private static final String DEVICE = "cpu";
    /** The baselines as the job builds them by default (JobOptions: 30-day half-life, window 3, 200 neighbours). */
    private static final BaselineSettings BASELINES = new BaselineSettings(Duration.ofDays(30).toMillis(), 3, 200);

    private ServingStressChild() {}

    public static void main(String[] argv) throws Exception {
        ForcedCollections.startEvery(Long.parseLong(argv[0]));
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        ServingStressOptions o = ServingStressOptions.parse(ServingStressCommand.options().parse(rest));
        List<ModalityFeatures> modalities = new ArrayList<>();
        for (Path f : StressFeatures.files(o.featuresDir(), ServingStressOptions.SYNTHETIC_MODALITIES, o.workDir())) {
            modalities.add(ModalityFeatures.read(f));
        }
        ServingArtifacts artifacts = new ServingArtifacts(o.workDir());
        List<ServedSlot> slots = slots(o.families(), artifacts);
        System.out.println("stress-serving child: serving " + slots.stream().map(s -> s.name).toList());
        InJvmFineTuning fineTuning = o.fineTuneEvery().isZero() ? null : new InJvmFineTuning(o.fineTuneEvery(),
                o.families().stream().map(f -> new InJvmFineTuning.Target(f.id(), artifacts.dir(f, 0))).toList(),
                o.workDir().resolve("serving").resolve("tuned"), System.out);
        ServingStressLoop loop = new ServingStressLoop(
                new ServingStressLoop.Settings(o.duration(), o.swapEvery(), o.reportEvery(), o.batchSize(), o.k(),
                        o.upsertEvery(), 0),
                slots, new EventReplay(MovieLens.bundled().interactions(), o.historyLength()),
                new NewItemFeatures(modalities, NEW_ITEMS, 26L), System.out, fineTuning, o.fineTuneWindow());
        loop.run();
        System.out.flush();
        System.exit(0);
    }

    /** Every served model: per family the plain recommender and, where it differs, the incremental one; the baselines. */
    static List<ServedSlot> slots(List<StressFamily> families, ServingArtifacts artifacts) throws Exception {
        List<ServedSlot> slots = new ArrayList<>();
        for (StressFamily f : families) {
            List<Path> dirs = List.of(artifacts.dir(f, 0), artifacts.dir(f, 1));
            ModelArtifact a = ModelArtifact.load(dirs.get(0));
            ModelFamily family = ModelFamilies.forModel(a.model());
            // the items of both versions: a history the serving version knows nothing of must be cold for both
            Set<String> catalogue = new HashSet<>(a.items().ids());
            catalogue.addAll(ModelArtifact.load(dirs.get(1)).items().ids());
            // each load reads and verifies the artifact again, as the job's hot swap fetches it
            Recommender plain = family.loadRecommender(a, DEVICE);
            slots.add(new ServedSlot(f.id(), plain, dirs.stream().<ServedSlot.Version>map(
                    d -> () -> family.loadRecommender(ModelArtifact.load(d), DEVICE)).toList(), catalogue));
            Recommender incremental = family.loadIncrementalRecommender(ModelArtifact.load(dirs.get(0)), DEVICE);
            if (incremental.getClass() == plain.getClass()) {
                incremental.close(); // the family serves incrementally as it serves plainly
                continue;
            }
            slots.add(new ServedSlot(f.id() + "/incremental", incremental, dirs.stream().<ServedSlot.Version>map(
                    d -> () -> family.loadIncrementalRecommender(ModelArtifact.load(d), DEVICE)).toList(), catalogue));
        }
        for (String name : List.of(DecayedPopularity.NAME, ItemCooccurrence.NAME)) {
            slots.add(new ServedSlot(name, ModelFamilies.baseline(name, BASELINES),
                    List.of(() -> ModelFamilies.baseline(name, BASELINES)), null));
        }
        return slots;
    }
}
