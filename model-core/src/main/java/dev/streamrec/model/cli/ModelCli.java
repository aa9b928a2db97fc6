package dev.streamrec.model.cli;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.features.FeaturizeCommand;
import dev.streamrec.model.stress.ServingStressCommand;
import dev.streamrec.model.stress.StressCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The offline commands of {@code streamrec.jar}: {@code featurize}, {@code train}, {@code pretrain},
 * {@code evaluate}, {@code finetune} (one streaming fine-tuning round, see {@link FineTuneCommand}) and
 * {@code stress} (repeated short trainings in child JVMs, see {@link StressCommand}) and
 * {@code stress-serving} (hours of serving with hot swaps in a child JVM, see
 * {@link ServingStressCommand}). The training
 * commands dispatch on {@code --model} (or the artifact's model) to its {@link ModelFamily}, and
 * their options are the ones that family declares, with its defaults: {@code train --model bm3 --help}
 * lists BM3's; without a model, {@code --help} lists the models.
 */
public final class ModelCli {

    public static final List<String> COMMANDS = List.of("featurize", "train", "pretrain", "evaluate", "finetune", "stress",
            "stress-serving");

    private ModelCli() {}

    /** The main class of the fine-tuning and stress child JVMs: {@code ModelCli <command> [options]}. */
    public static void main(String[] argv) {
        System.exit(CommandRunner.run(root(Arrays.asList(argv)), Arrays.asList(argv)));
    }

    /** Runs one command; returns the process exit code. */
    public static int run(String command, List<String> rest) {
        List<String> argv = new ArrayList<>(List.of(command));
        argv.addAll(rest);
        return CommandRunner.run(root(argv), argv);
    }

    private static CommandOptions root(List<String> argv) {
        CommandOptions root = CommandOptions.command("ModelCli", "The offline model commands.", null);
        commands(argv).forEach(root::subcommand);
        return root;
    }

    /**
     * The commands, the one {@code argv} names (command first) built for its arguments: the family of
     * its {@code --model} or {@code --artifact} decides its options.
     */
    public static List<CommandOptions> commands(List<String> argv) {
        List<CommandOptions> all = new ArrayList<>();
        for (String name : COMMANDS) {
            all.add(command(name, !argv.isEmpty() && argv.get(0).equals(name) ? argv.subList(1, argv.size()) : List.of()));
        }
        return all;
    }

    /** One command's options for its arguments {@code args} (which pick the model family). */
    public static CommandOptions command(String name, List<String> args) {
        return switch (name) {
            case "featurize" -> FeaturizeCommand.options();
            case "train" -> training(name, CommandOptions.peek(args, "model"));
            case "pretrain" -> training(name, CommandOptions.peek(args, "model"));
            case "evaluate" -> evaluation(artifact(args));
            case "finetune" -> FineTuneCommand.options(artifact(args));
            case "stress" -> StressCommand.options();
            case "stress-serving" -> ServingStressCommand.options();
            default -> throw new IllegalArgumentException("unknown command " + name + "; one of " + COMMANDS);
        };
    }

    /** {@code train} or {@code pretrain} with the options of {@code model}'s family; only {@code --model} when unknown. */
    private static CommandOptions training(String name, String model) {
        ModelFamily family = family(model);
        CommandOptions c = CommandOptions.command(name, name.equals("train")
                        ? "Trains a model, writes its artifact and prints validation and test metrics."
                        : "Contrastive pre-training (MISSRec); train --pretrained DIR continues from its artifact.",
                a -> name.equals("train")
                        ? ModelFamilies.forModel(a.require("model")).train(a.get("model"), a)
                        : ModelFamilies.forModel(a.require("model")).pretrain(a.get("model"), a))
                .required("model", "MODEL", "The model to train: one of " + models() + ".");
        if (family == null) {
            TrainingData.declare(c);
            return c.note("Every model also takes the engine options (--epochs, --max-steps, --time-budget, --batch-size, "
                            + "--examples-per-epoch, --lr, --weight-decay, --clip-norm, --warmup-steps, --lr-schedule, "
                            + "--min-lr-factor, --eval-every, --patience, --seed, --quiet) with its own defaults, and its "
                            + "own options: " + name + " --model MODEL --help lists them.")
                    .passingOnOthers()
                    .examples("streamrec.jar " + name + " --model sasrec --epochs 3 --output /tmp/sasrec",
                            "streamrec.jar " + name + " --model bm3 --help");
        }
        if (name.equals("train")) {
            family.declareTrain(model, c);
        } else {
            family.declarePretrain(model, c);
        }
        return c.examples(name.equals("train")
                ? "streamrec.jar train --model " + model + " --epochs 3 --output /tmp/" + model
                : "streamrec.jar pretrain --model " + model + " --features title.tsv.gz,tags.tsv.gz --output /tmp/pre");
    }

    /** {@code evaluate} with the options of the artifact's family; only {@code --artifact} when it is not known yet. */
    private static CommandOptions evaluation(ModelArtifact artifact) {
        CommandOptions c = CommandOptions.command("evaluate", "Evaluates an artifact on the data it was trained on "
                        + "(validation and test metrics, paired with popularity).", a -> {
                            ModelArtifact loaded = ModelArtifact.load(Path.of(a.require("artifact")));
                            return ModelFamilies.forModel(loaded.model()).evaluate(loaded, a);
                        })
                .required("artifact", "DIR", "The artifact directory to evaluate.")
                .examples("streamrec.jar evaluate --artifact /tmp/sasrec --json");
        if (artifact == null) {
            return c.note("Its model's family adds its options: evaluate --artifact DIR --help.").passingOnOthers();
        }
        ModelFamilies.forModel(artifact.model()).declareEvaluate(c);
        return c;
    }

    /** The artifact {@code --artifact} names in {@code args}, when it is one; the command reports it otherwise. */
    static ModelArtifact artifact(List<String> args) {
        String dir = CommandOptions.peek(args, "artifact");
        try {
            return dir == null ? null : ModelArtifact.load(Path.of(dir));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static ModelFamily family(String model) {
        for (ModelFamily f : ModelFamilies.all()) {
            if (model != null && f.models().contains(model)) {
                return f;
            }
        }
        return null;
    }

    private static String models() {
        TreeSet<String> known = new TreeSet<>();
        ModelFamilies.all().forEach(f -> known.addAll(f.models()));
        return String.join(", ", known);
    }
}
