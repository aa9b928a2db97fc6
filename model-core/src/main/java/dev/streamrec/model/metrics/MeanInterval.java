package dev.streamrec.model.metrics;

import java.util.Locale;

/**
 * A mean over evaluation cases with its 95% confidence interval by the normal approximation:
 * mean ± 1.96 · SE, SE = s / √n with s the sample standard deviation (n − 1 in the denominator).
 * Cases are taken as independent draws; where several cases come from one user (multi-target
 * validation) they are correlated and the interval is somewhat too narrow (docs/evaluation.md).
 */
public record MeanInterval(double mean, double halfWidth, long n) {

    /** z of the two-sided 95% normal interval. */
    public static final double Z95 = 1.96;

    /** From running sums of the values and of their squares over {@code n} cases (0 ± NaN without cases). */
    public static MeanInterval of(double sum, double sumOfSquares, long n) {
        if (n == 0) {
            return new MeanInterval(0.0, Double.NaN, 0);
        }
        double mean = sum / n;
        if (n == 1) {
            return new MeanInterval(mean, Double.NaN, 1);
        }
        // clamp: rounding can leave a tiny negative variance when every value is equal
        double variance = Math.max(0.0, (sumOfSquares - sum * mean) / (n - 1));
        return new MeanInterval(mean, Z95 * Math.sqrt(variance / n), n);
    }

    public double lower() {
        return mean - halfWidth;
    }

    public double upper() {
        return mean + halfWidth;
    }

    /** {@code 0.0712 ±0.0064}: the form every result table prints. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.4f ±%.4f", mean, halfWidth);
    }
}
