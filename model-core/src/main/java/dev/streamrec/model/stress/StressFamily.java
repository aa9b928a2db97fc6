package dev.streamrec.model.stress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The trainings a stress run can repeat, each as the {@code streamrec.jar} command line it runs: the
 * ID-only SASRec and GRU4Rec, KDSR-distilled SASRec and GRU4Rec, MISSRec fine-tuning in both modes and
 * its contrastive pre-training, and BM3. Every one trains for exactly the given epochs (patience =
 * epochs) on the time cut, with every modality given. All but the pre-training write an artifact
 * that serves ({@link #serves()}).
 */
public enum StressFamily {
    SASREC("sasrec", false),
    GRU4REC("gru4rec", false),
    KDSR_SASREC("kdsr-sasrec", true),
    KDSR_GRU4REC("kdsr-gru4rec", true),
    MISSREC_TRANSDUCTIVE("missrec-transductive", true),
    MISSREC_INDUCTIVE("missrec-inductive", true),
    MISSREC_PRETRAIN("missrec-pretrain", true),
    BM3("bm3", true);

    private final String id;
    private final boolean usesFeatures;

    StressFamily(String id, boolean usesFeatures) {
        this.id = id;
        this.usesFeatures = usesFeatures;
    }

    public String id() {
        return id;
    }

    /** Whether the artifact it writes is a serving model (the pre-training's is only a starting point). */
    public boolean serves() {
        return this != MISSREC_PRETRAIN;
    }

    public static StressFamily of(String id) {
        for (StressFamily f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown stress family '" + id + "'; one of " + names());
    }

    static String names() {
        return Arrays.stream(values()).map(StressFamily::id).collect(Collectors.joining(","));
    }

    /** The families whose artifacts serve, comma-separated. */
    static String servingNames() {
        return Arrays.stream(values()).filter(StressFamily::serves).map(StressFamily::id).collect(Collectors.joining(","));
    }

    /** The model-cli arguments (command first) of one run. */
    public List<String> command(ShortTraining o, long seed, List<Path> features, Path output) {
        List<String> a = new ArrayList<>();
        switch (this) {
            case SASREC, GRU4REC, KDSR_SASREC, KDSR_GRU4REC -> {
                a.addAll(List.of("train", "--model", id));
                // the denoising autoencoder of the teachers: a couple of epochs is enough to exercise it
                if (usesFeatures) {
                    a.addAll(List.of("--ae-epochs", "2"));
                }
            }
            case MISSREC_TRANSDUCTIVE, MISSREC_INDUCTIVE ->
                a.addAll(List.of("train", "--model", "missrec", "--mode", this == MISSREC_INDUCTIVE ? "inductive" : "transductive",
                        "--examples-per-epoch", Integer.toString(o.examplesPerEpoch()), "--quiet"));
            case MISSREC_PRETRAIN -> a.addAll(List.of("pretrain", "--model", "missrec",
                    "--examples-per-epoch", Integer.toString(o.examplesPerEpoch()), "--quiet"));
            case BM3 -> a.addAll(List.of("train", "--model", "bm3"));
            default -> throw new IllegalStateException(id);
        }
        a.addAll(List.of("--seed", Long.toString(seed), "--epochs", Integer.toString(o.epochs()),
                "--patience", Integer.toString(o.epochs()),
                "--train-fraction", String.format(Locale.ROOT, "%s", o.trainFraction()),
                "--output", output.toString()));
        if (usesFeatures) {
            a.addAll(List.of("--features", features.stream().map(Path::toString).collect(Collectors.joining(","))));
        }
        return a;
    }
}
