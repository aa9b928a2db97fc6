package dev.streamrec.model.train;

/**
 * The learning rate at each optimiser step: a linear warm-up from 0 over the first
 * {@code warmupSteps}, then constant, or a linear or cosine decay to {@code minFactor} of the base
 * rate at {@code totalSteps} (the step budget the run expects; past it the rate stays at the floor).
 */
public final class LearningRateSchedule {

    private final float base;
    private final int warmupSteps;
    private final TrainingOptions.Schedule decay;
    private final float minFactor;
    private final long totalSteps;

    public LearningRateSchedule(float base, int warmupSteps, TrainingOptions.Schedule decay, float minFactor,
            long totalSteps) {
        this.base = base;
        this.warmupSteps = warmupSteps;
        this.decay = decay;
        this.minFactor = minFactor;
        this.totalSteps = Math.max(1, totalSteps);
    }

    public static LearningRateSchedule of(TrainingOptions o, long totalSteps) {
        return new LearningRateSchedule(o.learningRate(), o.warmupSteps(), o.schedule(), o.minLrFactor(), totalSteps);
    }

    /** The rate of step {@code step} (0-based). */
    public float at(long step) {
        if (step < warmupSteps) {
            return base * (step + 1) / (warmupSteps + 1);
        }
        if (decay == TrainingOptions.Schedule.CONSTANT) {
            return base;
        }
        long span = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / span);
        double shape = decay == TrainingOptions.Schedule.LINEAR
                ? 1 - progress
                : 0.5 * (1 + Math.cos(Math.PI * progress));
        return (float) (base * (minFactor + (1 - minFactor) * shape));
    }
}
