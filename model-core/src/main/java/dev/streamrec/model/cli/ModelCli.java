package dev.streamrec.model.cli;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.features.FeaturizeCommand;
import dev.streamrec.model.stress.StressCommand;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The offline commands of {@code streamrec.jar}: {@code featurize}, {@code train}, {@code pretrain},
 * {@code evaluate}, {@code finetune} (one streaming fine-tuning round, see {@link FineTuneCommand}) and
 * {@code stress} (repeated short trainings in child JVMs, see {@link StressCommand}). The training
 * commands dispatch on {@code --model} (or the artifact's model) to its {@link ModelFamily}.
 */
public final class ModelCli {

    public static final List<String> COMMANDS = List.of("featurize", "train", "pretrain", "evaluate", "finetune", "stress");

    private ModelCli() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: " + String.join("|", COMMANDS) + " [options]");
            System.exit(2);
        }
        System.exit(run(argv[0], Arrays.asList(argv).subList(1, argv.length)));
    }

    /** Runs one command; returns the process exit code. */
    public static int run(String command, List<String> rest) throws Exception {
        CliArgs args = CliArgs.parse(rest);
        switch (command) {
            case "featurize":
                return FeaturizeCommand.run(args);
            case "train":
                return ModelFamilies.forModel(args.require("model")).train(args.require("model"), args);
            case "pretrain":
                return ModelFamilies.forModel(args.require("model")).pretrain(args.require("model"), args);
            case "finetune":
                return FineTuneCommand.run(args);
            case "stress":
                return StressCommand.run(args);
            case "evaluate":
                ModelArtifact artifact = ModelArtifact.load(Path.of(args.require("artifact")));
                return ModelFamilies.forModel(artifact.model()).evaluate(artifact, args);
            default:
                throw new IllegalArgumentException("unknown command " + command + "; one of " + COMMANDS);
        }
    }
}
