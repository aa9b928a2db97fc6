package dev.streamrec.model.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.data.SequenceDataset;
import dev.streamrec.model.train.FullRanking;
import dev.streamrec.model.train.RankedCases;
import dev.streamrec.model.train.SampledNegatives;
import dev.streamrec.model.train.SplitReport;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluationOptionsTest {

    private static SequenceDataset data() {
        List<Interaction> log = new ArrayList<>();
        for (int u = 0; u < 3; u++) {
            for (int i = 0; i < 8; i++) {
                log.add(new Interaction("u" + u, "i" + ((u + i) % 10), u * 100L + i, 1.0));
            }
        }
        return SequenceDataset.of(log);
    }

    private static CliArgs options(String... args) {
        CommandOptions c = CommandOptions.command("test", "The evaluation options alone.", null);
        EvaluationOptions.declare(c);
        return c.parse(List.of(args));
    }

    @Test
    void shouldDefaultToFullRankingAndFiveValidationTargets() {
        EvaluationOptions o = EvaluationOptions.from(options());
        assertEquals(EvaluationOptions.DEFAULTS, o);
        assertEquals(new FullRanking(true), o.rankingProtocol(true, data()));
        assertEquals(15, o.split(data()).validation().size()); // 3 users × 5 targets
        assertEquals(Map.of("protocol", "full", "validationTargets", 5), o.describe());
    }

    @Test
    void shouldParseTheSampledProtocolAndValidationTargets() {
        CliArgs args = options("--protocol", "sampled", "--eval-negatives", "4", "--eval-seed", "9",
                "--validation-targets", "2");
        EvaluationOptions o = EvaluationOptions.from(args);
        SampledNegatives p = assertInstanceOf(SampledNegatives.class, o.rankingProtocol(false, data()));
        assertEquals(4, p.negatives());
        assertEquals(9L, p.seed());
        assertEquals(data().items().size(), p.numItems());
        assertEquals(6, o.split(data()).validation().size());
        // an artifact's recorded targets are the default an explicit option overrides
        assertEquals(1, EvaluationOptions.from(options(), EvaluationOptions.DEFAULTS.withValidationTargets(1))
                .validationTargets());
        assertEquals(2, EvaluationOptions.from(args, EvaluationOptions.DEFAULTS.withValidationTargets(1)).validationTargets());
        assertThrows(IllegalArgumentException.class,
                () -> EvaluationOptions.from(options("--protocol", "popular")));
        assertEquals(2, EvaluationOptions.forArtifact(args, 5).validationTargets());
        assertEquals(5, EvaluationOptions.forArtifact(options(), 5).validationTargets());
        assertThrows(IllegalArgumentException.class, () -> EvaluationOptions.forArtifact(args, 1),
                "more targets than the artifact was trained with would validate on training items");
    }

    @Test
    void shouldPrintIntervalsAndThePairedTestUnderTheSplit() {
        RankedCases model = new RankedCases(new int[] {0, 1, 2}, new int[] {1, 3, 0}, new int[] {10});
        RankedCases popularity = new RankedCases(new int[] {0, 1, 2}, new int[] {2, 30, 0}, new int[] {10});
        Map<String, Object> report = SplitReport.of("test", model, "popularity", popularity);
        assertEquals(List.of("test", "testCi95", "testVsPopularity"), List.copyOf(report.keySet()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MetricsTable.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), new ObjectMapper().valueToTree(report),
                List.of("validation", "test"), "popularity");
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("split") && lines[0].contains("HR@10") && lines[0].contains("MRR"), lines[0]);
        // HR@10 per case {1, 1, 0}: mean 2/3, s = √(1/3), ±1.96 · s / √3 = ±0.6533
        assertTrue(lines[1].startsWith("test") && lines[1].contains("0.6667 ±0.6533"), lines[1]);
        // HR@10 differences {0, 1, 0}: +1/3
        assertTrue(lines[2].startsWith("  vs popularity (3)") && lines[2].contains("+0.3333 p="), lines[2]);
    }
}
