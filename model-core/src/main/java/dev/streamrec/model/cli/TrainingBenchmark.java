package dev.streamrec.model.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamrec.model.artifact.ModelArtifact;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code bench train}: the training throughput of each model family at its default shapes. Each
 * model trains through its real {@code train} command for {@code --steps} optimiser steps (one
 * validation at the end) on {@code --data} (default: the bundled MovieLens) and the table gives its
 * loss, batch size, optimiser steps/s and training examples/s over the step time alone (forward,
 * backward and update, as the engine measures it; no data preparation, teacher fitting or
 * validation), and for each KDSR variant its step time against its backbone's. Other options
 * (e.g. {@code --loss}, {@code --batch-size}) are passed to every model; models that need modality
 * features read {@code --features}, or the MovieLens MiniLM features made once by {@code featurize}.
 * With {@code --pytorch SCRIPT} ({@code docs/training-step-reference.py}) each SASRec and GRU4Rec row
 * is followed by the same step in PyTorch at the run's own shapes and threads
 * ({@link PyTorchReference}), and the DJL row gives its steps/s as a share of PyTorch's.
 */
public final class TrainingBenchmark {

    static final List<String> DEFAULT_MODELS =
            List.of("sasrec", "kdsr-sasrec", "gru4rec", "kdsr-gru4rec", "missrec", "bm3", "lightgcn", "mf-bpr");
    private static final Set<String> NEED_FEATURES = Set.of("kdsr-sasrec", "kdsr-gru4rec", "missrec", "bm3");

    private TrainingBenchmark() {}

    /** One model's measurement. */
    record Row(String model, String loss, int batch, long steps, double stepsPerSecond, double examplesPerSecond) {}

    /** {@code bench train} and its options; the others are handed to each model's {@code train}. */
    public static CommandOptions options(PrintStream out) {
        return CommandOptions.command("train", "Optimiser steps/s and examples/s of each family's training step; "
                        + "any other option goes to each model's train (train --model M --help).", a -> run(a, out))
                .list("models", "MODEL", String.join(",", DEFAULT_MODELS), "The models measured.")
                .integer("steps", 30, "Optimiser steps per model.")
                .text("features", null, "A.tsv.gz[,B]", "Feature files of the models that need them "
                        + "(default: featurized from the bundled MovieLens once).")
                .path("pytorch", null, "The PyTorch reference step (docs/training-step-reference.py; python3 with "
                        + "torch): timed after each SASRec and GRU4Rec run at its shapes.")
                .passingOnOthers()
                .examples("streamrec.jar bench train --models sasrec,bm3 --steps 20 --batch-size 64",
                        "streamrec.jar bench train --models sasrec,gru4rec --steps 200 --pytorch docs/training-step-reference.py");
    }

    static int run(CliArgs a, PrintStream out) throws Exception {
        int steps = a.getInt("steps");
        Path work = Files.createTempDirectory("bench-train");
        String features = a.get("features");
        List<Row> rows = new ArrayList<>();
        Map<String, Row> references = new LinkedHashMap<>();
        for (String model : a.getList("models")) {
            List<String> args = new ArrayList<>(a.unmatched());
            if (NEED_FEATURES.contains(model) && features == null) {
                features = featurize(work.resolve("features"), out);
            }
            if (NEED_FEATURES.contains(model)) {
                args.addAll(List.of("--features", features));
            }
            Path dir = work.resolve(model);
            args.addAll(List.of("--max-steps", Integer.toString(steps), "--eval-every", Integer.toString(steps),
                    "--quiet", "true", "--output", dir.toString()));
            out.printf(Locale.ROOT, "training %s for %d steps ...%n", model, steps);
            int code = quietly(() -> ModelCli.run("train", prefixed(model, args)));
            if (code != 0) {
                throw new IllegalStateException("train --model " + model + " failed with exit code " + code);
            }
            JsonNode config = ModelArtifact.load(dir).config();
            JsonNode run = findRun(config);
            JsonNode loss = findField(config, "loss");
            rows.add(new Row(model, loss == null || !loss.isTextual() ? "-" : loss.asText(),
                    run.path("options").path("batchSize").asInt(), run.path("steps").asLong(),
                    run.path("stepsPerSecond").asDouble(), run.path("examplesPerSecond").asDouble()));
            if (a.has("pytorch") && PyTorchReference.MODELS.contains(model)) {
                reference(a.getPath("pytorch"), rows.get(rows.size() - 1), config, steps, out)
                        .ifPresent(r -> references.put(model, r));
            }
        }
        print(rows, references, out);
        return 0;
    }

    /** The PyTorch step at {@code djl}'s shapes, or empty (with the reason printed) when the script cannot re-state it. */
    private static Optional<Row> reference(Path script, Row djl, JsonNode config, int steps, PrintStream out)
            throws Exception {
        var args = PyTorchReference.arguments(djl.model(), config, steps, PyTorchReference.threads());
        if (args.isEmpty()) {
            out.println("no PyTorch reference for " + djl.model() + ": it re-states the uniform sampler only");
            return Optional.empty();
        }
        out.printf(Locale.ROOT, "timing the PyTorch step of %s (%d threads) ...%n", djl.model(), PyTorchReference.threads());
        PyTorchReference.Measurement m = PyTorchReference.run(script, args.get());
        return Optional.of(new Row(djl.model() + " (pytorch)", djl.loss(), djl.batch(), steps,
                m.stepsPerSecond(), m.examplesPerSecond()));
    }

    static void print(List<Row> rows, PrintStream out) {
        print(rows, Map.of(), out);
    }

    /**
     * The table: one row per model, each KDSR variant's step time against its backbone's, and after a
     * model with a PyTorch reference in {@code references} that reference's row, the DJL row giving
     * its steps/s as a share of PyTorch's.
     */
    static void print(List<Row> rows, Map<String, Row> references, PrintStream out) {
        Map<String, Row> byModel = new LinkedHashMap<>();
        rows.forEach(r -> byModel.put(r.model(), r));
        out.printf(Locale.ROOT, "%-18s %-8s %6s %6s %10s %12s %16s %14s%n", "model", "loss", "batch", "steps", "steps/s",
                "examples/s", "step time / bb", "of PyTorch's");
        for (Row r : rows) {
            Row backbone = r.model().startsWith("kdsr-") ? byModel.get(r.model().substring(5)) : null;
            Row reference = references.get(r.model());
            line(r, backbone == null ? "" : String.format(Locale.ROOT, "%.2fx", backbone.stepsPerSecond() / r.stepsPerSecond()),
                    reference == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * r.stepsPerSecond() / reference.stepsPerSecond()),
                    out);
            if (reference != null) {
                line(reference, "", "", out);
            }
        }
    }

    private static void line(Row r, String vsBackbone, String vsPyTorch, PrintStream out) {
        out.printf(Locale.ROOT, "%-18s %-8s %6d %6d %10.2f %12.1f %16s %14s%n", r.model(), r.loss(), r.batch(), r.steps(),
                r.stepsPerSecond(), r.examplesPerSecond(), vsBackbone, vsPyTorch);
    }

    private static List<String> prefixed(String model, List<String> args) {
        List<String> all = new ArrayList<>(List.of("--model", model));
        all.addAll(args);
        return all;
    }

    private static String featurize(Path dir, PrintStream out) throws Exception {
        out.println("featurizing MovieLens titles and tags (MiniLM, offline) into " + dir);
        int code = quietly(() -> ModelCli.run("featurize", List.of("--output", dir.toString())));
        if (code != 0) {
            throw new IllegalStateException("featurize failed with exit code " + code);
        }
        try (var files = Files.list(dir)) {
            return String.join(",", files.filter(p -> p.getFileName().toString().contains(".tsv"))
                    .map(Path::toString).sorted().toList());
        }
    }

    /** Runs a command with its report on standard output discarded (the table is the output). */
    private static int quietly(Command c) throws Exception {
        PrintStream saved = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return c.run();
        } finally {
            System.setOut(saved);
        }
    }

    @FunctionalInterface
    private interface Command {
        int run() throws Exception;
    }

    /** The object an engine run wrote (it has a stop reason), wherever the family put it. */
    static JsonNode findRun(JsonNode node) {
        if (node.has("stopReason") && node.has("stepsPerSecond")) {
            return node;
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            JsonNode found = findRun(it.next());
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static JsonNode findField(JsonNode node, String name) {
        if (node.has(name)) {
            return node.get(name);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            JsonNode found = findField(it.next(), name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
