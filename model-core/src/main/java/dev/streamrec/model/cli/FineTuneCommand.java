package dev.streamrec.model.cli;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.InteractionReader;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code finetune --artifact DIR --window CSV --version V --output DIR [family options]}: one
 * streaming fine-tuning round ({@link ModelFamily#fineTune}) on a window of interactions in the
 * generic CSV format, as a command, so that a stream job can run each round in its own process:
 * libtorch training in a JVM whose other threads run inference was seen to produce NaN weights
 * (reproduced with DJL 0.36 / PyTorch CPU), so training never shares a process with serving.
 */
public final class FineTuneCommand {

    private FineTuneCommand() {}

    /**
     * The command with the round options of {@code current}'s family ({@link #roundOptions}); only the
     * four above when the artifact is not known yet.
     */
    public static CommandOptions options(ModelArtifact current) {
        CommandOptions c = CommandOptions.command("finetune", "One streaming fine-tuning round on a window of "
                        + "interactions, written as a new artifact version.", FineTuneCommand::run)
                .required("artifact", "DIR", "The served artifact to continue from.")
                .required("window", "CSV", "The window's interactions (userId,itemId,timestamp,value).")
                .required("version", "V", "Version of the new artifact.")
                .required("output", "DIR", "Directory of the new artifact.")
                .examples("streamrec.jar finetune --artifact /tmp/sasrec --window window.csv --version v2 --output /tmp/v2 --epochs 1");
        if (current == null) {
            return c.note("The artifact's family adds its round options: finetune --artifact DIR --help.").passingOnOthers();
        }
        ModelFamilies.forModel(current.model()).declareFineTune(current, c);
        return c;
    }

    /** The round options of {@code current}'s family alone: what a stream job hands each of its rounds. */
    public static CommandOptions roundOptions(ModelArtifact current) {
        CommandOptions c = CommandOptions.command("finetune-round", "The options of a fine-tuning round.", null);
        ModelFamilies.forModel(current.model()).declareFineTune(current, c);
        return c;
    }

    private static int run(CliArgs args) throws Exception {
        ModelArtifact current = ModelArtifact.load(Path.of(args.require("artifact")));
        List<Interaction> window = InteractionReader.read(Path.of(args.require("window")));
        ModelArtifact tuned = ModelFamilies.forModel(current.model())
                .fineTune(current, window, args.require("version"), Path.of(args.require("output")), args);
        System.out.println("fine-tuned " + current.version() + " -> " + tuned.version() + " (" + tuned.items().size()
                + " items, sha256 " + tuned.sha256() + ")");
        return 0;
    }
}
