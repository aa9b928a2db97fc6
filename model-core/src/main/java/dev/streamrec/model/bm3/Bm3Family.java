package dev.streamrec.model.bm3;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.ModelFamily;
import dev.streamrec.model.serving.Recommender;

import java.util.Set;

/** PLACEHOLDER: the bm3 model family; not implemented yet. */
public final class Bm3Family implements ModelFamily {

    @Override
    public Set<String> models() {
        return Set.of("bm3", "mf-bpr", "lightgcn");
    }

    @Override
    public int train(String model, CliArgs args) {
        throw new UnsupportedOperationException("bm3 training is not implemented yet");
    }

    @Override
    public int evaluate(ModelArtifact artifact, CliArgs args) {
        throw new UnsupportedOperationException("bm3 evaluation is not implemented yet");
    }

    @Override
    public Recommender loadRecommender(ModelArtifact artifact, String device) {
        throw new UnsupportedOperationException("bm3 serving is not implemented yet");
    }
}
