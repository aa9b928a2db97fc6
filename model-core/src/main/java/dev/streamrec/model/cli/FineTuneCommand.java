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

    public static int run(CliArgs args) throws Exception {
        ModelArtifact current = ModelArtifact.load(Path.of(args.require("artifact")));
        List<Interaction> window = InteractionReader.read(Path.of(args.require("window")));
        ModelArtifact tuned = ModelFamilies.forModel(current.model())
                .fineTune(current, window, args.require("version"), Path.of(args.require("output")), args);
        System.out.println("fine-tuned " + current.version() + " -> " + tuned.version() + " (" + tuned.items().size()
                + " items, sha256 " + tuned.sha256() + ")");
        return 0;
    }
}
