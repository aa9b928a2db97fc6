package dev.streamrec.model.cli;

import dev.streamrec.model.data.LeaveOneOutSplit;
import dev.streamrec.model.data.SequenceDataset;
import dev.streamrec.model.train.FullRanking;
import dev.streamrec.model.train.FullRankingEvaluator;
import dev.streamrec.model.train.RankingProtocol;
import dev.streamrec.model.train.SampledNegatives;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The offline-evaluation options of {@code train} and {@code evaluate}, with their defaults in one
 * place: {@code --protocol full|sampled} (default full ranking), {@code --eval-negatives N}
 * (default 100) and {@code --eval-seed S} (default 42) for the sampled protocol, and
 * {@code --validation-targets V} (default 5: the last V items before each user's test item are
 * validation targets, ~3,050 cases on MovieLens's 610 users; see {@link LeaveOneOutSplit}).
 * docs/evaluation.md describes the protocols. Not {@code --sampled-negatives}: that option is the
 * KDSR family's sampled-softmax training loss.
 */
public record EvaluationOptions(Protocol protocol, int evalNegatives, long evalSeed, int validationTargets) {

    /** How a target is ranked: against the whole catalogue or against sampled negatives. */
    public enum Protocol { FULL, SAMPLED }

    public static final String PROTOCOL = "protocol";
    public static final String EVAL_NEGATIVES = "eval-negatives";
    public static final String EVAL_SEED = "eval-seed";
    public static final String VALIDATION_TARGETS = "validation-targets";

    public static final EvaluationOptions DEFAULTS = new EvaluationOptions(Protocol.FULL,
            SampledNegatives.DEFAULT_NEGATIVES, SampledNegatives.DEFAULT_SEED, 5);

    /** Declares the options on {@code command} with {@link #DEFAULTS}. */
    public static void declare(CommandOptions command) {
        command.text(PROTOCOL, name(DEFAULTS.protocol), "full|sampled",
                        "Ranking protocol of the reported metrics: the whole catalogue, or sampled negatives.")
                .integer(EVAL_NEGATIVES, DEFAULTS.evalNegatives, "Sampled protocol: negatives per case.")
                .longInteger(EVAL_SEED, DEFAULTS.evalSeed, "Sampled protocol: the negatives' seed.")
                .integer(VALIDATION_TARGETS, DEFAULTS.validationTargets,
                        "The last V items before each user's test item are validation targets.");
    }

    /** The options given on the command line, {@link #DEFAULTS} for the rest. */
    public static EvaluationOptions from(CliArgs args) {
        String p = args.get(PROTOCOL).toUpperCase(Locale.ROOT);
        Protocol protocol;
        try {
            protocol = Protocol.valueOf(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + PROTOCOL + " must be full or sampled, not " + args.get(PROTOCOL));
        }
        return new EvaluationOptions(protocol, args.getInt(EVAL_NEGATIVES), args.getLong(EVAL_SEED),
                args.getInt(VALIDATION_TARGETS));
    }

    /**
     * The options for evaluating an artifact trained with {@code trainedTargets} validation targets
     * per user (1 for artifacts that record none): that many unless {@code --validation-targets}
     * asks for fewer. More would turn some of the model's training items into validation targets.
     */
    public static EvaluationOptions forArtifact(CliArgs args, int trainedTargets) {
        EvaluationOptions o = from(args, DEFAULTS.withValidationTargets(trainedTargets));
        if (o.validationTargets > trainedTargets) {
            throw new IllegalArgumentException("--" + VALIDATION_TARGETS + " " + o.validationTargets + ": the artifact was trained with "
                    + trainedTargets + " validation targets per user; the items before those were training items");
        }
        return o;
    }

    /** The options given on the command line, {@code recorded} (e.g. what an artifact recorded) for the others. */
    public static EvaluationOptions from(CliArgs args, EvaluationOptions recorded) {
        EvaluationOptions given = from(args);
        return new EvaluationOptions(args.has(PROTOCOL) ? given.protocol : recorded.protocol,
                args.has(EVAL_NEGATIVES) ? given.evalNegatives : recorded.evalNegatives,
                args.has(EVAL_SEED) ? given.evalSeed : recorded.evalSeed,
                args.has(VALIDATION_TARGETS) ? given.validationTargets : recorded.validationTargets);
    }

    private static String name(Protocol p) {
        return p.name().toLowerCase(Locale.ROOT);
    }

    public EvaluationOptions withValidationTargets(int targets) {
        return new EvaluationOptions(protocol, evalNegatives, evalSeed, targets);
    }

    /** The leave-one-out split of {@code data} with this many validation targets per user. */
    public LeaveOneOutSplit split(SequenceDataset data) {
        return new LeaveOneOutSplit(data, validationTargets);
    }

    /**
     * The ranking protocol on {@code data}; under the sampled protocol negatives avoid every item of
     * the user's whole sequence in {@code data}, and {@code excludeHistory} is moot.
     */
    public RankingProtocol rankingProtocol(boolean excludeHistory, SequenceDataset data) {
        return protocol == Protocol.FULL ? new FullRanking(excludeHistory)
                : new SampledNegatives(data.items().size(), evalNegatives, evalSeed, data::sequence);
    }

    /** An evaluator under these options (see {@link #rankingProtocol}). */
    public FullRankingEvaluator evaluator(int batchSize, boolean excludeHistory, SequenceDataset data, int... cutoffs) {
        return new FullRankingEvaluator(batchSize, rankingProtocol(excludeHistory, data), cutoffs);
    }

    /** The options as a report records them (the sampled ones only under the sampled protocol). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", protocol.name().toLowerCase(Locale.ROOT));
        if (protocol == Protocol.SAMPLED) {
            m.put("evalNegatives", evalNegatives);
            m.put("evalSeed", evalSeed);
        }
        m.put("validationTargets", validationTargets);
        return m;
    }
}
