package dev.streamrec.model.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PyTorch re-statement of a SASRec or GRU4Rec training step ({@code docs/training-step-reference.py},
 * kept out of the build), run by {@code bench train --pytorch SCRIPT} beside the DJL measurement: the
 * script gets the shapes, loss and batch the DJL run recorded in its artifact, and the thread count
 * DJL's libtorch uses, so the two rows time the same step. Needs {@code python3} with {@code torch}.
 */
final class PyTorchReference {

    /** The families the script re-states. */
    static final Set<String> MODELS = Set.of("sasrec", "gru4rec");

    private static final Pattern RESULT = Pattern.compile("([0-9.]+) steps/s, ([0-9.]+) sequences/s");

    private PyTorchReference() {}

    /** steps/s and sequences/s of the script's run. */
    record Measurement(double stepsPerSecond, double examplesPerSecond) {}

    /**
     * The script's arguments for the DJL run whose artifact config is {@code config}: its model,
     * catalogue, encoder shapes, loss and negatives, batch, learning rate, weight decay and clipping, with {@code steps} and
     * {@code threads}. Empty when the run used a sampler the script does not re-state (popularity), or rotary positions.
     */
    static Optional<List<String>> arguments(String model, JsonNode config, long steps, int threads) {
        JsonNode hp = config.path("hyperParameters");
        JsonNode settings = config.path("training").path("settings");
        if (!"uniform".equals(settings.path("negativeSampler").asText("uniform")) || hp.has("positions")) {
            return Optional.empty(); // the script has neither other samplers nor rotary positions
        }
        List<String> args = new ArrayList<>(List.of("--model", model, "--steps", Long.toString(steps),
                "--threads", Integer.toString(threads), "--items", hp.path("numItems").asText(),
                "--dim", hp.path("dim").asText(), "--max-len", hp.path("maxLen").asText(),
                "--layers", hp.path("layers").asText(), "--heads", hp.path("heads").asText(),
                "--dropout", hp.path("dropout").asText(), "--batch-size", settings.path("batchSize").asText(),
                "--lr", settings.path("learningRate").asText("0.001"),
                "--weight-decay", settings.path("weightDecay").asText("0"),
                "--clip-norm", settings.path("clipNorm").asText("0"), "--loss", settings.path("loss").asText()));
        if (!"full".equals(settings.path("loss").asText())) {
            args.addAll(List.of("--negatives", settings.path("negatives").asText()));
        }
        return Optional.of(args);
    }

    /** Parses the script's result line ("... N steps/s, M sequences/s ..."). */
    static Optional<Measurement> parse(String output) {
        Matcher m = RESULT.matcher(output);
        Optional<Measurement> last = Optional.empty();
        while (m.find()) {
            last = Optional.of(new Measurement(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))));
        }
        return last;
    }

    /** Runs {@code python3 script args}; fails with the script's output when it gives no result line. */
    static Measurement run(Path script, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("the PyTorch reference failed (python3 with torch needed): "
                    + String.join(" ", command) + "\n" + output);
        }
        return parse(output).orElseThrow(() -> new IllegalStateException("no result line from " + script + ":\n" + output));
    }

    /** libtorch's intra-op threads in this JVM: DJL's setting, else one per core as libtorch defaults. */
    static int threads() {
        return Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
    }
}
