package dev.streamrec.jobs.soak;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoakReportTest {

    /** 121 samples 30 s apart (an hour), series {@code s} = {@code y(i)}. */
    private static List<SoakSample> hour(IntToDoubleFunction y) {
        List<SoakSample> samples = new ArrayList<>();
        for (int i = 0; i <= 120; i++) {
            samples.add(new SoakSample(30.0 * i, Map.of("s", y.applyAsDouble(i))));
        }
        return samples;
    }

    private static SoakReport.Row judge(List<SoakSample> samples, SoakReport.Smoothing how, int k) {
        return new SoakReport(samples, List.of(new SoakReport.Judged("s", how)), k).rows().get(0);
    }

    @Test
    void shouldJudgeTheLastHalfHourOfAnHourAndTheLastHalfOfAShorterRun() {
        assertEquals(1800, SoakReport.windowStart(hour(i -> 1)), 1e-9);
        List<SoakSample> tenMinutes = hour(i -> 1).subList(0, 21);
        assertEquals(300, SoakReport.windowStart(tenMinutes), 1e-9);
    }

    @Test
    void shouldFindAGcSawtoothFlatByItsFloorButNotByItsRawValues() {
        // heap: a floor of 300 rising to 500 before each collection, every 4 samples
        List<SoakSample> heap = hour(i -> 300 + 50 * (i % 5));
        assertEquals(SoakReport.Verdict.FLAT, judge(heap, SoakReport.Smoothing.FLOOR, 6).verdict());
        assertFalse(judge(heap, SoakReport.Smoothing.FLOOR, 1).verdict() == SoakReport.Verdict.FLAT);
    }

    @Test
    void shouldFindACompactionSawtoothFlatByItsRollingMax() {
        List<SoakSample> rocks = hour(i -> 1000 - 40 * (i % 8));
        assertEquals(SoakReport.Verdict.FLAT, judge(rocks, SoakReport.Smoothing.CEILING, 8).verdict());
    }

    @Test
    void shouldFindStateThatKeepsGrowing() {
        SoakReport.Row r = judge(hour(i -> 1000 + 10 * i), SoakReport.Smoothing.CEILING, 6);
        assertEquals(SoakReport.Verdict.GROWING, r.verdict());
        assertEquals(1000 + 10 * 60, r.first(), 1e-9);
        assertEquals(1000 + 10 * 120, r.last(), 1e-9);
        assertEquals(100.0 * 600 / 1600, r.changePercent(), 1e-9);
    }

    @Test
    void shouldTellShrinkingVaryingAndMissingSeriesApart() {
        assertEquals(SoakReport.Verdict.SHRINKING, judge(hour(i -> 2000 - 10 * i), SoakReport.Smoothing.MEAN, 1).verdict());
        assertEquals(SoakReport.Verdict.VARYING, judge(hour(i -> i == 100 ? 5000 : 1000), SoakReport.Smoothing.MEAN, 1)
                .verdict());
        SoakReport missing = new SoakReport(hour(i -> 1), List.of(new SoakReport.Judged("other",
                SoakReport.Smoothing.MEAN)), 3);
        assertEquals(SoakReport.Verdict.NO_DATA, missing.rows().get(0).verdict());
        assertFalse(missing.flat());
    }

    @Test
    void shouldAcceptValuesWithinTenPercentOfTheWindowsFirst() {
        assertEquals(SoakReport.Verdict.FLAT, SoakReport.verdict(100, 109, 91, 110));
        assertEquals(SoakReport.Verdict.GROWING, SoakReport.verdict(100, 111, 100, 111));
        assertTrue(new SoakReport(hour(i -> 5), List.of(new SoakReport.Judged("s", SoakReport.Smoothing.MEAN)), 2).flat());
    }

    @Test
    void shouldSmoothOverTrailingWindowsSkippingMissingValues() {
        double[] y = {5, 1, Double.NaN, 4, 2};
        assertArrayEquals(new double[] {5, 1, 1, 4, 2}, SoakReport.smooth(y, 2, SoakReport.Smoothing.FLOOR));
        assertArrayEquals(new double[] {5, 5, 1, 4, 4}, SoakReport.smooth(y, 2, SoakReport.Smoothing.CEILING));
        assertArrayEquals(new double[] {5, 3, 1, 4, 3}, SoakReport.smooth(y, 2, SoakReport.Smoothing.MEAN));
    }
}
