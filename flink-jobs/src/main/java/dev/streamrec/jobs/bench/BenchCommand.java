package dev.streamrec.jobs.bench;

import dev.streamrec.model.cli.CliArgs;
import dev.streamrec.model.cli.CommandOptions;
import dev.streamrec.model.cli.TrainingBenchmark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code streamrec.jar bench model|e2e|parts|train|zipf-data [options]}: the benchmarks, each printing a table. */
public final class BenchCommand {

    private BenchCommand() {}

    /** {@code bench} and its benchmarks as subcommands, printing to {@code out}. */
    public static CommandOptions options(PrintStream out) {
        return CommandOptions.command("bench", "Benchmarks, each printing a table (bench <name> --help).", null)
                .examples("streamrec.jar bench e2e --models sasrec --max-events 50000", "streamrec.jar bench model --help")
                .subcommand(ModelBenchmark.options(out))
                .subcommand(EndToEndBenchmark.options(out))
                .subcommand(PipelinePartsBenchmark.options(out))
                .subcommand(TrainingBenchmark.options(out))
                .subcommand(ZipfWorkload.declare(CommandOptions.command("zipf-data", "The Zipf workload as a training "
                                + "CSV, for a model artifact of its catalogue (same defaults as e2e).", a -> writeZipfData(a, out))
                        .required("output", "CSV", "The interactions CSV to write.")
                        .path("features", null, "Also write synthetic text (32-d) and image (16-d) features of the "
                                + "catalogue into this directory.")
                        .examples("streamrec.jar bench zipf-data --output zipf.csv --features zipf-features")));
    }

    private static int writeZipfData(CliArgs a, PrintStream out) throws Exception {
        int items = ZipfWorkload.items(a);
        Path csv = Path.of(a.require("output"));
        ZipfWorkload.writeCsv(ZipfWorkload.generate(a), items, csv);
        out.println("wrote " + csv);
        if (a.has("features")) {
            Map<String, Integer> dims = new LinkedHashMap<>();
            dims.put("text", 32);
            dims.put("image", 16);
            for (Path f : ZipfWorkload.writeFeatures(items, dims, 64, a.getLong("seed"), a.getPath("features"))) {
                out.println("wrote " + f);
            }
        }
        return 0;
    }
}
