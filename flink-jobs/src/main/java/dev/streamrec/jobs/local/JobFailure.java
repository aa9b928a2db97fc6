package dev.streamrec.jobs.local;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Why a job of the local stack stopped, in one line for the console: the innermost cause (a model
 * that cannot load, a bad option) of the failure Flink reports once its restarts are used up,
 * instead of a run that only stops seeing predictions. Asks the job's result, not its status: the
 * local cluster shuts down with the job and no longer answers status requests.
 */
final class JobFailure {

    private JobFailure() {}

    /** Empty while the job runs (restarting included); else how it ended. */
    static Optional<String> ifStopped(JobClient job) throws InterruptedException {
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        if (!result.isDone()) {
            return Optional.empty();
        }
        try {
            result.get();
            return Optional.of("the job finished");
        } catch (ExecutionException e) {
            return Optional.of("the job failed: " + rootCause(e));
        }
    }

    static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
