package dev.streamrec.model.features;

import dev.streamrec.model.cli.CliArgs;

/** PLACEHOLDER: {@code featurize}, item text to MiniLM vectors; not implemented yet. */
public final class FeaturizeCommand {
    private FeaturizeCommand() {}

    public static int run(CliArgs args) {
        throw new UnsupportedOperationException("featurize is not implemented yet");
    }
}
