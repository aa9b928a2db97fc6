package dev.streamrec.model.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The options of stress-serving: defaults, times, refusals, and the round trip to the child. */
class ServingStressOptionsTest {

    private static ServingStressOptions parse(String... args) {
        return ServingStressOptions.parse(ServingStressCommand.options().parse(List.of(args)));
    }

    @Test
    void shouldDefaultToEveryServingFamilyAndTheOperatorsBatch() {
        ServingStressOptions o = parse();
        assertEquals(List.of(StressFamily.SASREC, StressFamily.GRU4REC, StressFamily.KDSR_SASREC, StressFamily.KDSR_GRU4REC,
                StressFamily.MISSREC_TRANSDUCTIVE, StressFamily.MISSREC_INDUCTIVE, StressFamily.BM3), o.families());
        assertEquals(64, o.batchSize());
        assertEquals(Duration.ofSeconds(30), o.swapEvery());
        assertEquals(Duration.ofSeconds(60), o.reportEvery());
        assertEquals(new ChildJvm.Settings("4g", false, 200), o.children());
        assertEquals(List.of(1L, 2L), o.seeds());
    }

    @Test
    void shouldReadTimes() {
        assertEquals(Duration.ofSeconds(90), ServingStressOptions.duration("90s"));
        assertEquals(Duration.ofMinutes(30), ServingStressOptions.duration("30m"));
        assertEquals(Duration.ofHours(3), ServingStressOptions.duration("3h"));
        assertEquals(Duration.ofMillis(500), ServingStressOptions.duration("500ms"));
        assertEquals(Duration.ofSeconds(45), ServingStressOptions.duration("45"));
        assertThrows(IllegalArgumentException.class, () -> ServingStressOptions.duration("3 days"));
        assertThrows(IllegalArgumentException.class, () -> ServingStressOptions.duration("-5s"));
    }

    @Test
    void shouldRefuseWhatCannotRun() {
        assertThrows(IllegalArgumentException.class, () -> parse("--families", "missrec-pretrain"));
        assertThrows(IllegalArgumentException.class, () -> parse("--seeds", "1"));
        assertThrows(IllegalArgumentException.class, () -> parse("--batch-size", "0"));
        assertThrows(IllegalArgumentException.class, () -> parse("--swap-every", "0s"));
        assertThrows(IllegalArgumentException.class, () -> parse("--train-fraction", "0"));
    }

    @Test
    void shouldHandTheChildTheSameOptions() {
        ServingStressOptions o = parse("--families", "bm3,gru4rec", "--duration", "3h", "--swap-every", "20s",
                "--batch-size", "32", "--gc-every", "50", "--xcheck-jni", "--features-dir", "/f", "--report-every", "2m",
                "--train-fraction", "0.25", "--seeds", "7,8", "--fine-tune-every", "5m", "--fine-tune-window", "500");
        Path work = Path.of("/tmp/w");
        ServingStressOptions child = ServingStressOptions.parse(ServingStressCommand.options().parse(o.toArgs(work)));
        assertEquals(new ServingStressOptions(o.families(), o.seeds(), o.training(), o.duration(), o.swapEvery(),
                o.reportEvery(), o.batchSize(), o.k(), o.historyLength(), o.upsertEvery(), o.featuresDir(), work,
                o.children(), o.trainTimeoutSeconds(), Duration.ofMinutes(5), 500), child);
        assertEquals(new ChildJvm.Settings("4g", true, 50), child.children());
        assertTrue(o.childTimeoutSeconds() > Duration.ofHours(3).toSeconds());
    }
}
