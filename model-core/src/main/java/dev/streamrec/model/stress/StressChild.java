package dev.streamrec.model.stress;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.ModelCli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One stress run, in a JVM of its own so that a native crash kills only it: runs a model-cli
 * command ({@code train} or {@code pretrain}), then counts the non-finite values in the artifact it
 * wrote and prints them as a {@link ChildLog#RESULT} line. Usage:
 * {@code StressChild GC_EVERY_MS COMMAND [options]}. With {@code GC_EVERY_MS > 0} it collects that
 * often ({@link ForcedCollections}).
 */
public final class StressChild {

    private StressChild() {}

    public static void main(String[] argv) throws Exception {
        long gcEvery = Long.parseLong(argv[0]);
        String command = argv[1];
        List<String> rest = Arrays.asList(argv).subList(2, argv.length);
        ForcedCollections.startEvery(gcEvery);
        int code = ModelCli.run(command, rest);
        if (code == 0) {
            ArtifactWeights.Count c = ArtifactWeights.count(
                    ModelArtifact.load(Path.of(CommandOptions.peek(rest, "output"))));
            System.out.println(ChildLog.resultLine(c.nonFinite(), c.checked()));
        }
        System.out.flush();
        System.exit(code);
    }
}
