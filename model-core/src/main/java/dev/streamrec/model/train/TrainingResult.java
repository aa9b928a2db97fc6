package dev.streamrec.model.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * What a {@link TrainingEngine} run did: the options it ran with, the steps and epochs done, why
 * it stopped, the selected (best) validation and every validation's log line, the steps skipped
 * for a non-finite loss or gradient, the wall-clock time to the end and to the best validation, and
 * the time and examples of the training steps alone (forward, backward and update; no validation),
 * which give the training throughput.
 */
public record TrainingResult(
        TrainingOptions options,
        long steps,
        int epochs,
        long skippedSteps,
        String stopReason,
        Validation best,
        List<Validation> history,
        List<Double> epochLosses,
        double seconds,
        double stepSeconds,
        long examplesSeen) {

    /** One validation: when it ran, the mean training loss since the previous one, the rate, the metrics. */
    public record Validation(int index, long step, int epoch, double loss, float learningRate, double score,
            Map<String, Double> metrics, double seconds) {}

    /** The epoch of the selected weights (1-based; the last epoch when nothing was validated). */
    public int bestEpoch() {
        return best == null ? epochs : best.epoch();
    }

    /** The selected validation's metrics (empty when nothing was validated). */
    public Map<String, Double> bestMetrics() {
        return best == null ? Map.of() : best.metrics();
    }

    /** Seconds from the start to the selected validation (the whole run when nothing was validated). */
    public double secondsToBest() {
        return best == null ? seconds : best.seconds();
    }

    /** Whether the run ended on {@code TrainingEngine.MAX_CONSECUTIVE_SKIPS} non-finite steps in a row. */
    public boolean diverged() {
        return TrainingEngine.DIVERGED.equals(stopReason);
    }

    /** Training steps (applied or refused) per second of step time. */
    public double stepsPerSecond() {
        return stepSeconds > 0 ? (steps + skippedSteps) / stepSeconds : Double.NaN;
    }

    /** Training examples (sequences, windows or pairs) per second of step time. */
    public double examplesPerSecond() {
        return stepSeconds > 0 ? examplesSeen / stepSeconds : Double.NaN;
    }

    /** The mean loss of the last epoch with an applied step (NaN when none). */
    public double lastLoss() {
        for (int i = epochLosses.size() - 1; i >= 0; i--) {
            if (!Double.isNaN(epochLosses.get(i))) {
                return epochLosses.get(i);
            }
        }
        return Double.NaN;
    }

    /** Writes the run (options, counts, best and every validation) for an artifact's provenance. */
    public void writeTo(ObjectNode node) {
        options.writeTo(node.putObject("options"));
        node.put("steps", steps);
        node.put("epochs", epochs);
        node.put("skippedSteps", skippedSteps);
        node.put("stopReason", stopReason);
        node.put("bestEpoch", bestEpoch());
        node.put("bestStep", best == null ? steps : best.step());
        node.put("seconds", seconds);
        node.put("secondsToBest", secondsToBest());
        node.put("stepSeconds", stepSeconds);
        node.put("examplesSeen", examplesSeen);
        node.put("stepsPerSecond", stepsPerSecond());
        node.put("examplesPerSecond", examplesPerSecond());
        ArrayNode losses = node.putArray("epochLosses");
        epochLosses.forEach(losses::add);
        ArrayNode log = node.putArray("validations");
        for (Validation v : history) {
            ObjectNode n = log.addObject();
            n.put("step", v.step());
            n.put("epoch", v.epoch());
            n.put("loss", v.loss());
            n.put("learningRate", v.learningRate());
            n.put("score", v.score());
            n.put("seconds", v.seconds());
            ObjectNode m = n.putObject("metrics");
            v.metrics().forEach(m::put);
        }
    }
}
