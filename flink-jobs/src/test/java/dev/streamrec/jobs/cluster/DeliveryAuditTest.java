package dev.streamrec.jobs.cluster;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryAuditTest {

    private static final List<String> MODELS = List.of("popularity", "cooccurrence");

    @Test
    void shouldPassWhenEveryEventHasOnePredictionPerModel() {
        DeliveryAudit audit = new DeliveryAudit(List.of("e1", "e2"), MODELS);
        audit.prediction("e1", "popularity", "v1", 100);
        audit.prediction("e1", "cooccurrence", "v1", 100);
        audit.prediction("e2", "popularity", "v2", 200);
        audit.prediction("e2", "cooccurrence", "v2", 200);
        DeliveryAudit.Report r = audit.report(List.of());
        assertTrue(r.clean());
        assertEquals(Map.of("popularity", 2, "cooccurrence", 2), r.predictionsPerModel());
        assertEquals(Map.of("v1", 2, "v2", 2), r.predictionsPerVersion());
        assertEquals(4, audit.expectedPredictions());
    }

    @Test
    void shouldCountMissingDuplicatedUnknownAndDeadLetters() {
        DeliveryAudit audit = new DeliveryAudit(List.of("e1", "e2"), MODELS);
        audit.prediction("e1", "popularity", "v1", 100);
        audit.prediction("e1", "popularity", "v1", 150);
        audit.prediction("e1", "popularity", "v1", 160);
        audit.prediction("e1", "cooccurrence", "v1", 100);
        audit.prediction("e9", "popularity", "v1", 100);
        audit.deadLetter();
        DeliveryAudit.Report r = audit.report(List.of());
        assertEquals(2, r.missing(), "e2 for both models");
        assertEquals(2, r.duplicated(), "two extra copies of (e1, popularity)");
        assertEquals(1, r.unexpected());
        assertEquals(1, r.deadLetters());
        assertFalse(r.clean());
    }

    @Test
    void shouldMeasureRecoveryAsTheLongestSilenceAfterTheFaultNotTheEmitsJustAfterIt() {
        DeliveryAudit audit = new DeliveryAudit(List.of("e1", "e2", "e3", "e4", "e5"), List.of("popularity"));
        audit.prediction("e1", "popularity", "v1", 1_000);
        audit.prediction("e2", "popularity", "v1", 3_005);
        audit.prediction("e3", "popularity", "v1", 3_010);
        audit.prediction("e4", "popularity", "v1", 15_010);
        audit.prediction("e5", "popularity", "v1", 15_020);
        DeliveryAudit.Report r = audit.report(List.of(new DeliveryAudit.Fault("kill broker", 3_000),
                new DeliveryAudit.Fault("next", 15_015)));
        assertEquals(12_000, r.recoveries().get(0).millis(), "3.01 s (still emitted after the kill) to 15.01 s");
        assertEquals(3_010, r.recoveries().get(0).silentFromMillis());
        assertEquals(10, r.recoveries().get(1).millis(), "only the gap that ends after the second fault");
    }

    @Test
    void shouldMeasureRecoveryFromTheLastEmitBeforeTheFaultToTheFirstAfter() {
        DeliveryAudit audit = new DeliveryAudit(List.of("e1", "e2", "e3"), List.of("popularity"));
        audit.prediction("e1", "popularity", "v1", 1_000);
        audit.prediction("e3", "popularity", "v1", 9_500);
        audit.prediction("e2", "popularity", "v1", 2_000);
        DeliveryAudit.Report r = audit.report(List.of(new DeliveryAudit.Fault("kill", 3_000),
                new DeliveryAudit.Fault("late", 10_000)));
        assertEquals(7_500, r.recoveries().get(0).millis());
        assertEquals(-1, r.recoveries().get(1).millis(), "nothing emitted after the second fault");
        assertTrue(audit.emittedAfter(3_000));
        assertFalse(audit.emittedAfter(10_000));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("recovery kill") && table.contains("7.5 s"), table);
    }
}
