package dev.streamrec.model.stress;

import dev.streamrec.model.train.TrainingEngine;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a stress child's output says, read from its lines: the training steps skipped for a
 * non-finite loss or gradient (the line {@link TrainingEngine#skippedLine} ends every run with
 * skips; every family trains through the engine), and the {@link #RESULT} line
 * {@link StressChild} prints after checking the trained weights. A crashed child has no result line.
 *
 * @param skippedSteps training steps not applied because the loss or a gradient was not finite
 * @param nonFiniteWeights NaN or infinite values in the written artifact's weights; -1 when unknown
 * @param checkedWeights weight values checked; 0 when unknown
 */
public record ChildLog(int skippedSteps, long nonFiniteWeights, long checkedWeights) {

    /** The line prefix of {@link StressChild}'s report. */
    public static final String RESULT = "stress-result";

    private static final Pattern SKIPS = Pattern.compile(": (\\d+) steps skipped \\(non-finite");
    private static final Pattern RESULT_LINE =
            Pattern.compile(RESULT + " nonFiniteWeights=(\\d+) checkedWeights=(\\d+)");
    private static final Pattern PROBLEMATIC = Pattern.compile("^#\\s+[CJjVv]\\s+\\[?(.*)$");

    /** Reads a child's output lines (stdout and stderr together). */
    public static ChildLog parse(List<String> lines) {
        int skipped = 0;
        long nonFinite = -1;
        long checked = 0;
        for (String line : lines) {
            Matcher m = SKIPS.matcher(line);
            if (m.find()) {
                skipped += Integer.parseInt(m.group(1));
                continue;
            }
            Matcher r = RESULT_LINE.matcher(line);
            if (r.find()) {
                nonFinite = Long.parseLong(r.group(1));
                checked = Long.parseLong(r.group(2));
            }
        }
        return new ChildLog(skipped, nonFinite, checked);
    }

    /** The line {@link #parse} reads back. */
    public static String resultLine(long nonFiniteWeights, long checkedWeights) {
        return String.format(Locale.ROOT, "%s nonFiniteWeights=%d checkedWeights=%d", RESULT, nonFiniteWeights,
                checkedWeights);
    }

    /** Whether the child got as far as checking its weights. */
    public boolean finished() {
        return nonFiniteWeights >= 0;
    }

    /**
     * The frame a JVM fatal-error log ({@code hs_err_pid*.log}) blames: the line after
     * {@code "# Problematic frame:"}, e.g. {@code libtorch_cpu.so+0x... torch::autograd::Engine::...};
     * empty when there is none.
     */
    public static String problematicFrame(List<String> hsErrLines) {
        for (int i = 0; i + 1 < hsErrLines.size(); i++) {
            if (hsErrLines.get(i).startsWith("# Problematic frame:")) {
                Matcher m = PROBLEMATIC.matcher(hsErrLines.get(i + 1));
                return m.find() ? m.group(1).replace("]", "").replaceAll("\\s+", " ").trim() : "";
            }
        }
        return "";
    }
}
