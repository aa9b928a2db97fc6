package dev.streamrec.model.cli;

import dev.streamrec.model.artifact.ModelArtifact;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.serving.Recommender;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * One family of models (KDSR encoders, MISSRec, BM3, baselines) as the CLI and the stream see it:
 * which model names it answers to, how to train, pre-train and evaluate them, and how to turn an
 * artifact into a {@link Recommender} for serving.
 */
public interface ModelFamily {

    /** Model names handled, e.g. {@code sasrec}, {@code kdsr-sasrec}. */
    Set<String> models();

    /**
     * Declares on {@code command} the options {@code train --model MODEL} reads, with this family's
     * defaults; no others, so that an option it would ignore is refused.
     */
    void declareTrain(String model, CommandOptions command);

    /** Declares on {@code command} the options {@code evaluate} reads for an artifact of this family. */
    void declareEvaluate(CommandOptions command);

    /** Declares the options {@code pretrain --model MODEL} reads; none for a family without a pre-training stage. */
    default void declarePretrain(String model, CommandOptions command) {}

    /** Declares the options a streaming fine-tuning round of {@code current} reads, with the round's defaults. */
    default void declareFineTune(ModelArtifact current, CommandOptions command) {}

    /** {@code train --model NAME ...}: trains, writes an artifact, prints validation and test metrics. */
    int train(String model, CliArgs args) throws Exception;

    /** {@code evaluate --artifact DIR ...}: prints a metrics table, or one JSON object with --json. */
    int evaluate(ModelArtifact artifact, CliArgs args) throws Exception;

    /** {@code pretrain --model NAME ...}, for families that have a pre-training stage. */
    default int pretrain(String model, CliArgs args) throws Exception {
        throw new UnsupportedOperationException("model " + model + " has no pre-training stage");
    }

    /**
     * Continues training the model of {@code current} on a window of recent interactions (the
     * streaming fine-tuning round: same losses; MISSRec parameter-efficient) and writes the result
     * as a new artifact with version {@code version} to {@code output}. Families that cannot, say so.
     */
    default ModelArtifact fineTune(ModelArtifact current, List<Interaction> window, String version, Path output,
            CliArgs options) throws Exception {
        throw new UnsupportedOperationException("model " + current.model() + " has no streaming fine-tuning yet");
    }

    /** A serving recommender from a verified artifact on a device ({@code cpu}, {@code cuda:0}). */
    Recommender loadRecommender(ModelArtifact artifact, String device) throws Exception;

    /**
     * The serving recommender with incremental inference, for a family that has it (its state
     * carried per user, one step per event); a family without it serves as {@link #loadRecommender}.
     */
    default Recommender loadIncrementalRecommender(ModelArtifact artifact, String device) throws Exception {
        return loadRecommender(artifact, device);
    }
}
