package dev.streamrec.model.backbone;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;

/**
 * The validated choice of next-item loss and its negatives, one place for the options and their
 * defaults: {@code --loss full|sampled|bce} (default by catalogue size: the full softmax up to
 * {@value #FULL_SOFTMAX_MAX_ITEMS} items, the sampled softmax above, where the full one's
 * [positions × catalogue] logits make each step several times slower on CPU, see
 * docs/training.md), {@code --negatives S} (default per loss: 0 for full,
 * {@value #SAMPLED_NEGATIVES} for the sampled softmax, 1 for BCE as in the SASRec paper),
 * {@code --negative-sampler uniform|popularity} (default uniform) and {@code --popularity-exponent α}
 * (default 1: proportional to the training counts). The full softmax takes no negatives.
 */
public record LossSettings(NextItemLoss.Kind loss, int negatives, NegativeSampler.Kind sampler, double popularityExponent) {

    public static final String LOSS = "loss";
    public static final String NEGATIVES = "negatives";
    public static final String SAMPLER = "negative-sampler";
    public static final String EXPONENT = "popularity-exponent";

    public static final NextItemLoss.Kind DEFAULT_LOSS = NextItemLoss.Kind.FULL_SOFTMAX;
    /** The largest catalogue whose default loss is the full softmax. */
    public static final int FULL_SOFTMAX_MAX_ITEMS = 2_000;
    /** The sampled softmax's default number of shared negatives. */
    public static final int SAMPLED_NEGATIVES = 512;
    public static final NegativeSampler.Kind DEFAULT_SAMPLER = NegativeSampler.Kind.UNIFORM;
    public static final double DEFAULT_EXPONENT = 1.0;

    public LossSettings {
        if (loss == NextItemLoss.Kind.FULL_SOFTMAX ? negatives != 0 : negatives < 1) {
            throw new IllegalArgumentException(loss == NextItemLoss.Kind.FULL_SOFTMAX
                    ? "the full softmax takes no negatives"
                    : "--loss " + loss.id() + " needs --negatives >= 1");
        }
        if (!(popularityExponent >= 0) || Double.isInfinite(popularityExponent)) {
            throw new IllegalArgumentException("popularity exponent must be finite and >= 0");
        }
    }

    /** Full softmax, no negatives. */
    public static LossSettings defaults() {
        return of(DEFAULT_LOSS);
    }

    /** The loss with its default negatives, uniform sampler. */
    public static LossSettings of(NextItemLoss.Kind loss) {
        return new LossSettings(loss, defaultNegatives(loss), DEFAULT_SAMPLER, DEFAULT_EXPONENT);
    }

    /** Declares the options above on {@code command}. */
    public static void declare(CommandOptions command) {
        command.text(LOSS, null, "full|sampled|bce", "Next-item loss (default: full softmax up to "
                        + FULL_SOFTMAX_MAX_ITEMS + " items, the sampled softmax above, where the full one is several times slower).")
                .optionalInteger(NEGATIVES, "Negatives per step (default per loss: 0 for full, " + SAMPLED_NEGATIVES
                        + " shared ones for sampled, 1 for bce as in the SASRec paper).")
                .text(SAMPLER, DEFAULT_SAMPLER.id(), "uniform|popularity", "How negatives are drawn.")
                .decimal(EXPONENT, DEFAULT_EXPONENT, "Popularity sampler: probability proportional to count^X.");
    }

    /** The options above for a catalogue of {@code numItems}; the loss and negatives default as described. */
    public static LossSettings parse(CliArgs a, int numItems) {
        NextItemLoss.Kind loss = a.has(LOSS) ? NextItemLoss.Kind.of(a.get(LOSS)) : defaultLoss(numItems);
        return new LossSettings(loss, a.has(NEGATIVES) ? a.getInt(NEGATIVES) : defaultNegatives(loss),
                NegativeSampler.Kind.of(a.get(SAMPLER)), a.getDouble(EXPONENT));
    }

    /** The full softmax up to {@link #FULL_SOFTMAX_MAX_ITEMS} items, the sampled softmax above. */
    public static NextItemLoss.Kind defaultLoss(int numItems) {
        return numItems <= FULL_SOFTMAX_MAX_ITEMS ? NextItemLoss.Kind.FULL_SOFTMAX : NextItemLoss.Kind.SAMPLED_SOFTMAX;
    }

    /** 0 for the full softmax, {@link #SAMPLED_NEGATIVES} for the sampled softmax, 1 for BCE (SASRec). */
    public static int defaultNegatives(NextItemLoss.Kind loss) {
        return switch (loss) {
            case FULL_SOFTMAX -> 0;
            case SAMPLED_SOFTMAX -> SAMPLED_NEGATIVES;
            case BCE -> 1;
        };
    }

    /** Writes the choice (the artifact's provenance). */
    public void writeTo(ObjectNode node) {
        node.put("loss", loss.id());
        node.put("negatives", negatives);
        node.put("negativeSampler", sampler.id());
        node.put("popularityExponent", popularityExponent);
    }

    public boolean sampled() {
        return loss != NextItemLoss.Kind.FULL_SOFTMAX;
    }
}
