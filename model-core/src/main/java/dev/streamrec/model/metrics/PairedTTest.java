package dev.streamrec.model.metrics;

/**
 * The paired t-test over differences of two models on the same units (challenger minus champion):
 * is the mean difference zero? Returns the mean difference, the t statistic and the two-sided
 * p-value from Student's t distribution with n-1 degrees of freedom (via the regularised incomplete
 * beta function). The stream's champion comparison pairs per window; offline evaluation pairs per
 * user ({@link PairedComparison}), so correlation within a unit does not inflate n.
 */
public final class PairedTTest {

    /** The outcome; {@code p} is NaN when fewer than two pairs or zero variance with zero mean. */
    public record Result(int n, double meanDifference, double t, double p) {}

    private PairedTTest() {}

    public static Result test(double[] differences) {
        int n = differences.length;
        if (n < 2) {
            return new Result(n, n == 1 ? differences[0] : Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = 0;
        for (double d : differences) {
            mean += d;
        }
        mean /= n;
        double ss = 0;
        for (double d : differences) {
            ss += (d - mean) * (d - mean);
        }
        double sd = Math.sqrt(ss / (n - 1));
        if (sd == 0) {
            return new Result(n, mean, mean == 0 ? Double.NaN : Math.copySign(Double.POSITIVE_INFINITY, mean),
                    mean == 0 ? Double.NaN : 0.0);
        }
        double t = mean / (sd / Math.sqrt(n));
        return new Result(n, mean, t, twoSidedP(t, n - 1));
    }

    /** P(|T| >= |t|) for Student's t with {@code df} degrees of freedom. */
    public static double twoSidedP(double t, double df) {
        double x = df / (df + t * t);
        return regularizedIncompleteBeta(x, df / 2.0, 0.5);
    }

    /** I_x(a, b) by the continued fraction of Numerical Recipes (Lentz's method). */
    static double regularizedIncompleteBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
        if (x < (a + 1) / (a + b + 2)) {
            return Math.exp(lnFront) * betaContinuedFraction(x, a, b) / a;
        }
        return 1 - Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a) / b;
    }

    private static double betaContinuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        d = Math.abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-14) {
                break;
            }
        }
        return h;
    }

    /** Lanczos approximation of ln Γ(x), x > 0. */
    static double lnGamma(double x) {
        double[] g = {76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155,
            0.1208650973866179e-2, -0.5395239384953e-5};
        double y = x;
        double tmp = x + 5.5;
        tmp -= (x + 0.5) * Math.log(tmp);
        double ser = 1.000000000190015;
        for (double c : g) {
            ser += c / ++y;
        }
        return -tmp + Math.log(2.5066282746310005 * ser / x);
    }
}
