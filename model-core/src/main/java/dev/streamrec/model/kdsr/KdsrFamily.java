package dev.streamrec.model.kdsr;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.ModelFamily;
import dev.streamrec.model.serving.Recommender;

import java.util.Set;

/** PLACEHOLDER: the kdsr model family; not implemented yet. */
public final class KdsrFamily implements ModelFamily {

    @Override
    public Set<String> models() {
        return Set.of("sasrec", "gru4rec", "kdsr-sasrec", "kdsr-gru4rec");
    }

    @Override
    public int train(String model, CliArgs args) {
        throw new UnsupportedOperationException("kdsr training is not implemented yet");
    }

    @Override
    public int evaluate(ModelArtifact artifact, CliArgs args) {
        throw new UnsupportedOperationException("kdsr evaluation is not implemented yet");
    }

    @Override
    public Recommender loadRecommender(ModelArtifact artifact, String device) {
        throw new UnsupportedOperationException("kdsr serving is not implemented yet");
    }
}
