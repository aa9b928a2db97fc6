package dev.streamrec.model.missrec;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.ModelFamily;
import dev.streamrec.model.serving.Recommender;

import java.util.Set;

/** PLACEHOLDER: the missrec model family; not implemented yet. */
public final class MissRecFamily implements ModelFamily {

    @Override
    public Set<String> models() {
        return Set.of("missrec");
    }

    @Override
    public int train(String model, CliArgs args) {
        throw new UnsupportedOperationException("missrec training is not implemented yet");
    }

    @Override
    public int evaluate(ModelArtifact artifact, CliArgs args) {
        throw new UnsupportedOperationException("missrec evaluation is not implemented yet");
    }

    @Override
    public Recommender loadRecommender(ModelArtifact artifact, String device) {
        throw new UnsupportedOperationException("missrec serving is not implemented yet");
    }
}
