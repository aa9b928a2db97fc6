package dev.streamrec.jobs.bench;

import java.io.PrintStream;
import java.util.List;

/** {@code streamrec.jar bench model|e2e [options]}: the benchmarks, each printing a table. */
public final class BenchCommand {

    private BenchCommand() {}

    public static int run(List<String> args, PrintStream out) throws Exception {
        if (args.isEmpty()) {
            out.println("usage: bench model [--models a,b --artifact DIR --batches 1,32,256 --seconds S]");
            out.println("       bench e2e [--workload movielens|zipf --events N --users U --items I --rate R|max");
            out.println("                  --models a,b --artifact DIR --delivery exactly-once|at-least-once -Dkey=value]");
            return 2;
        }
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "model":
                return ModelBenchmark.run(rest, out);
            case "e2e":
                return EndToEndBenchmark.run(rest, out);
            default:
                throw new IllegalArgumentException("unknown benchmark " + args.get(0) + " (model|e2e)");
        }
    }
}
