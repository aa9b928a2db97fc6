package dev.streamrec.model.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairedTTestTest {

    @Test
    void shouldMatchReferenceValues() {
        // differences 1..5: mean 3, sd sqrt(2.5), t = 3 / (1.5811/2.2361) = 4.2426, df 4, p = 0.01324 (R: t.test)
        PairedTTest.Result r = PairedTTest.test(new double[] {1, 2, 3, 4, 5});
        assertEquals(5, r.n());
        assertEquals(3.0, r.meanDifference(), 1e-12);
        assertEquals(4.242640687, r.t(), 1e-8);
        assertEquals(0.01324, r.p(), 1e-5);
        // Student t with df=10: P(|T| >= 2.228) = 0.05
        assertEquals(0.05, PairedTTest.twoSidedP(2.228138852, 10), 1e-6);
        // df = 1 (Cauchy): P(|T| >= 1) = 0.5
        assertEquals(0.5, PairedTTest.twoSidedP(1.0, 1), 1e-9);
    }

    @Test
    void shouldHandleDegenerateInputs() {
        assertTrue(Double.isNaN(PairedTTest.test(new double[] {0.1}).p()));
        assertTrue(Double.isNaN(PairedTTest.test(new double[] {0, 0, 0}).p()));
        assertEquals(0.0, PairedTTest.test(new double[] {0.2, 0.2}).p(), 0.0);
        assertEquals(1.0, PairedTTest.test(new double[] {-1, 1}).p(), 1e-9);
    }
}
