package dev.streamrec.jobs.bench;

import java.io.PrintStream;
import java.util.List;

/** {@code streamrec.jar bench model|e2e|parts|train|zipf-data [options]}: the benchmarks, each printing a table. */
public final class BenchCommand {

    private BenchCommand() {}

    public static int run(List<String> args, PrintStream out) throws Exception {
        if (args.isEmpty()) {
            out.println("usage: bench model [--models a,b --artifact DIR --batches 1,32,256 --seconds S --repeats R]");
            out.println("                  [--workload zipf --events N --users U --items I --warmup N: the sequences");
            out.println("                   the Zipf workload's events from N on carry, instead of MovieLens's last 50]");
            out.println("       bench e2e [--workload movielens|zipf --passes P --events N --users U --items I --rate R|max");
            out.println("                  --max-events N --warmup N --models a,b --artifact DIR --delivery exactly-once|at-least-once --preload true");
            out.println("                  --paired S (model-only rates of the same models and batch, S-second windows, just before and after)");
            out.println("                  -Dkey=value]");
            out.println("       bench parts [--rounds R --warmup-rounds W --top-k K]: the pipeline's per-event Java, piece by piece");
            out.println("       bench train [--models a,b --steps S --data CSV --features F,G + any training option]:");
            out.println("                  optimiser steps/s and examples/s of each family's training step");
            out.println("       bench zipf-data --output zipf.csv [--events N --users U --items I --zipf S --seed X]");
            out.println("                  [--features DIR: synthetic text (32-d) and image (16-d) features of the catalogue]");
            return 2;
        }
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "model":
                return ModelBenchmark.run(rest, out);
            case "e2e":
                return EndToEndBenchmark.run(rest, out);
            case "parts":
                return PipelinePartsBenchmark.run(rest, out);
            case "train":
                return dev.streamrec.model.cli.TrainingBenchmark.run(rest, out);
            case "zipf-data":
                return writeZipfData(dev.streamrec.model.cli.CliArgs.parse(rest), out);
            default:
                throw new IllegalArgumentException("unknown benchmark " + args.get(0) + " (model|e2e|parts|train|zipf-data)");
        }
    }

    /** The Zipf workload as a training CSV, for a model artifact of its catalogue (same defaults as e2e). */
    private static int writeZipfData(dev.streamrec.model.cli.CliArgs a, PrintStream out) throws Exception {
        int items = ZipfWorkload.items(a);
        java.nio.file.Path csv = a.getPath("output", null);
        if (csv == null) {
            throw new IllegalArgumentException("--output FILE is required");
        }
        ZipfWorkload.writeCsv(ZipfWorkload.generate(a), items, csv);
        out.println("wrote " + csv);
        if (a.has("features")) {
            java.util.Map<String, Integer> dims = new java.util.LinkedHashMap<>();
            dims.put("text", 32);
            dims.put("image", 16);
            for (java.nio.file.Path f : ZipfWorkload.writeFeatures(items, dims, 64, a.getLong("seed", 42),
                    a.getPath("features", null))) {
                out.println("wrote " + f);
            }
        }
        return 0;
    }
}
