package dev.streamrec.jobs.functions;

import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Chaos testing: passes records through and, in the first execution attempt only, throws after
 * {@code failAfter} records, so the job restarts from its last checkpoint. Wired in only when
 * {@code chaos.fail-once-after-events} is set; used to prove that nothing is lost or duplicated.
 */
public final class FailOnceFunction<T> extends RichMapFunction<T, T> {

    private final long failAfter;
    private long seen;

    public FailOnceFunction(long failAfter) {
        this.failAfter = failAfter;
    }

    @Override
    public T map(T value) {
        if (getRuntimeContext().getTaskInfo().getAttemptNumber() == 0 && ++seen > failAfter) {
            throw new IllegalStateException("injected failure after " + failAfter + " records (chaos testing)");
        }
        return value;
    }
}
