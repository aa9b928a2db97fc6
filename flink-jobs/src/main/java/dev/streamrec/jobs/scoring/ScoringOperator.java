package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.Devices;
import dev.streamrec.model.serving.SlicedBatches;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.ItemFeatures;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Serves every configured model ({@link ServedModel}) on the stream (input 1: scoring requests)
 * and takes item features and model updates broadcast to every subtask (input 2).
 *
 * <ul>
 *   <li>Micro-batching across users: up to {@code batchSize} requests or {@code batchTimeoutMs} per
 *       forward pass (while a batch is being scored the next one keeps filling past the timeout, up
 *       to {@code batchSize}: under load batches grow by themselves); answers leave in arrival
 *       order (per-user order holds); the buffer is flushed and the batch in flight emitted before
 *       every checkpoint barrier, so exactly-once holds. Incremental models learn from a batch
 *       after answering it.
 *   <li>Overlap: a full batch is scored on the operator's inference thread ({@link BatchInference})
 *       while the task thread keeps the sequences up to date, fills the next batch and emits the
 *       previous one (one batch in flight; answers are emitted on the task thread, in order).
 *       Models are swapped and given item features only while no batch is in flight, which
 *       {@link ConfinedModels} enforces: a change out of turn fails instead of racing a forward pass.
 *   <li>Hot swap ({@link ModelUpdates}): a model update is fetched, verified (sha256) and loaded on
 *       a background thread, then swapped in between two batches; serving never waits for a load.
 *       A corrupt or unreadable artifact is rejected with a log line and the old version keeps
 *       serving. Rollback names an earlier deployed version. New items' features go to every model
 *       and to every model loaded later ({@link ServedItemFeatures}); features a model refuses
 *       become a dead letter.
 *   <li>State: the wanted model versions and the received item features (union list state, so
 *       a restart serves the versions and items it had), each model's incremental state (union
 *       too: after a rescale every subtask takes an even share of all, {@link RestoredModelStates}),
 *       all kept and restored by {@link ServingState}; and, keyed by user (RocksDB), the per-user
 *       state of models that keep one ({@link UserModelStates}: read before a batch, written back after it, recounted for a
 *       model whose shared state sums its users' states after a restore, after a rollback and
 *       every {@code scoring.user-state-recount}).
 *   <li>Shared counts: with several subtasks, what this subtask's users add to a model's shared
 *       state (BM3's item degrees) goes to the others as a side output and theirs comes back on
 *       input 2 ({@link SharedCountExchange}), so every subtask counts every user; switched on
 *       only when a served model sums its users' states ({@link SharedCounting}).
 * </ul>
 *
 * <p>A user's deletion (a {@link ScoringRequest#deletion deletion request} on input 1) drops the
 * user's per-user model states and withdraws what they added to shared counts, after the user's
 * earlier events were answered, and goes on to the evaluation in order with the predictions.
 *
 * <p>This class only wires the parts together and moves data between Flink and them: the
 * batching, the overlap with the inference thread and the order of the answers are
 * {@link MicroBatcher}'s; what a batch goes through (user states, inference, predictions) is
 * {@link BatchScoring}'s; the served models are reached through {@link ConfinedModels}; the rest
 * belongs to the classes named above.
 *
 * <p>Runs on the request stream keyed by user (forward-connected to the keyed sequence operator).
 */
public final class ScoringOperator extends AbstractStreamOperator<ScoredEvent>
        implements TwoInputStreamOperator<ScoringRequest, ControlMessage, ScoredEvent>, ControlMessage.Handler {

    private static final long serialVersionUID = 1L;
    /** Its own logger (the inherited one is Flink's, which deployments keep at ERROR): warnings and restore counts stay visible. */
    private static final Logger LOG = LoggerFactory.getLogger(ScoringOperator.class);
    private static final long SWAP_POLL_MS = 100;

    private final RecommenderFactory factory;
    private final int topK;
    private final boolean excludeSeen;
    private final int batchSize;
    private final long batchTimeoutMs;
    private final Duration userStateTtl;
    private long chaosLoadDelayMs;
    private boolean keepUserState = true;
    private Duration recountEvery = Duration.ZERO;
    private Duration sharedCountsEvery = Duration.ZERO;
    private boolean overlap = true;
    private int inferenceThreads = 1;
    private String device = "cpu";
    private boolean writeProcessingLatency;

    /** The served models: changed only on the task thread between batches, lent to each batch for its scoring. */
    private transient ConfinedModels models;
    private transient ModelUpdates updates;
    /** The list states, their restore, and the item features received. */
    private transient ServingState state;
    private transient UserModelStates userStates;
    private transient Counter modelErrors;
    private transient ExecutorService inferenceThread;
    private transient SlicedBatches slices;
    /** The buffer, the batch in flight and the order of the answers. */
    private transient MicroBatcher<ScoringRequest, BatchScoring.Batch> batcher;
    /** Shared counts to and from the other subtasks: switched on only for models that sum their users' states. */
    private transient SharedCounting sharedCounts;

    /** Item features no served model accepts. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("scoring-dead-letters") {};
    /** What this subtask's users add to models' shared counts, for the other subtasks ({@link SharedCountExchange}). */
    public static final OutputTag<SharedCounts> SHARED_COUNTS = new OutputTag<>("shared-counts") {};

    public ScoringOperator(RecommenderFactory factory, int topK, boolean excludeSeen, int batchSize,
            long batchTimeoutMs, Duration userStateTtl) {
        this.factory = factory;
        this.userStateTtl = userStateTtl;
        this.topK = topK;
        this.excludeSeen = excludeSeen;
        this.batchSize = Math.max(1, batchSize);
        this.batchTimeoutMs = Math.max(0, batchTimeoutMs);
    }

    /**
     * Whether models that ask for per-user state get it (default); without, they recompute it from
     * the history on every event (for comparison, and for deployments that trade CPU for state).
     */
    public ScoringOperator keepingUserState(boolean keep) {
        this.keepUserState = keep;
        return this;
    }

    /**
     * How often models whose shared state sums their users' states count them again from the keyed
     * state (zero: only after a restore): stored states that expired meanwhile drop out.
     */
    public ScoringOperator recountingUserStatesEvery(Duration interval) {
        this.recountEvery = interval == null || interval.isNegative() ? Duration.ZERO : interval;
        return this;
    }

    /**
     * With several subtasks, how often each publishes what its users changed in models' shared
     * counts ({@link #SHARED_COUNTS}), besides before every checkpoint barrier (zero: only then).
     */
    public ScoringOperator publishingSharedCountsEvery(Duration interval) {
        this.sharedCountsEvery = interval == null || interval.isNegative() ? Duration.ZERO : interval;
        return this;
    }

    /**
     * Whether batches are scored on a separate inference thread while the task thread goes on
     * (default), or on the task thread itself (for comparison).
     */
    public ScoringOperator overlappingInference(boolean overlapping) {
        this.overlap = overlapping;
        return this;
    }

    /**
     * How many threads score one batch together, in slices with one libtorch thread each (models
     * that recommend concurrently); 1 (default) scores it in one call, 0 decides in {@code open()}
     * from the task manager's cores per slot ({@link #inferenceThreads}).
     */
    public ScoringOperator slicingBatches(int threads, String device) {
        this.inferenceThreads = Math.max(0, threads);
        this.device = device;
        return this;
    }

    /**
     * {@code scoring.inference-threads} resolved: the configured count when positive; else 1 on a
     * GPU (a device wants one large batch) and the cores per task slot on a CPU.
     */
    public static int inferenceThreads(int configured, String device, int cores, int slotsPerTaskManager) {
        if (configured > 0) {
            return configured;
        }
        if (Devices.parse(device).isGpu()) {
            return 1;
        }
        return Math.max(1, cores / Math.max(1, slotsPerTaskManager));
    }

    /**
     * Whether predictions carry {@code processingMs}, the time from the job's source reading the
     * event to the prediction's emit (default: not written; {@code predictions.processing-latency}).
     */
    public ScoringOperator writingProcessingLatency(boolean write) {
        this.writeProcessingLatency = write;
        return this;
    }

    /**
     * Chaos testing: in the first execution attempt only, the background loader waits this long
     * before loading a hot-swapped version, so a test can fail the job while a load is in flight.
     */
    public ScoringOperator withChaosLoadDelay(long millis) {
        this.chaosLoadDelayMs = Math.max(0, millis);
        return this;
    }

    // ------------------------------------------------------------------ lifecycle and state

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state = new ServingState(context.getOperatorStateStore(), context.isRestored(),
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
    }

    @Override
    public void open() throws Exception {
        super.open();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        long now = System.currentTimeMillis();
        modelErrors = getMetricGroup().counter("modelErrors", new ThreadSafeSimpleCounter());
        userStates = new UserModelStates(getKeyedStateStore(), userStateTtl, this::setCurrentKey, modelErrors);
        models = new ConfinedModels(factory.create(now));
        // After a restart, serve the versions the job had (or was switching to).
        long loadDelay = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0 ? chaosLoadDelayMs : 0;
        updates = new ModelUpdates(factory, models, state.restoredVersions(), subtask, loadDelay, now);
        sharedCounts = SharedCounting.forModels(models.betweenBatches().all(), keepUserState, subtask,
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks(), sharedCountsEvery);
        sharedCounts.countStatesWrittenBy(userStates);
        for (ServedModel r : models.betweenBatches().all()) {
            sharedCounts.servedNow(r);
            if (state.restored()) {
                countStoredStates(r);
            }
            state.restoreInto(r);
        }
        state.restoreDone();
        MailboxExecutor mailbox =
                getContainingTask().getMailboxExecutorFactory().createExecutor(getOperatorConfig().getChainIndex());
        int slots = getContainingTask().getEnvironment().getTaskManagerInfo().getConfiguration()
                .get(TaskManagerOptions.NUM_TASK_SLOTS);
        int threads = inferenceThreads(inferenceThreads, device, Runtime.getRuntime().availableProcessors(), slots);
        LOG.info("scoring subtask {}: each batch in {} slice(s), one inference thread per slice", subtask, threads);
        slices = new SlicedBatches(threads, "model-inference-" + subtask + "-slice");
        inferenceThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "model-inference-" + subtask);
            t.setDaemon(true);
            return t;
        });
        BatchScoring scoring = new BatchScoring(topK, excludeSeen, keepUserState, writeProcessingLatency, models,
                userStates, new BatchInference(modelErrors, slices), updates::loading, getMetricGroup(),
                scored -> output.collect(new StreamRecord<>(scored)));
        batcher = new MicroBatcher<>(batchSize, batchTimeoutMs, scoring, this::applyFinishedLoads,
                overlap ? inferenceThread : null,
                this::runLater, step -> {
                    try {
                        mailbox.execute(step::run, "emit scored batch");
                    } catch (RejectedExecutionException closing) {
                        // the task is shutting down; the batch is answered again after the restore
                    }
                });
        scheduleSwapPoll();
        scheduleRecount();
        sharedCounts.publishPeriodically(this::runLater, this::emitSharedCounts);
    }

    /** Shared counts for the other subtasks leave on their side output. */
    private void emitSharedCounts(SharedCounts counts) {
        output.collect(SHARED_COUNTS, new StreamRecord<>(counts));
    }

    private void scheduleRecount() {
        if (!keepUserState || recountEvery.isZero()) {
            return;
        }
        runLater(recountEvery.toMillis(), () -> {
            batcher.emitInFlight(); // models change only between batches (ConfinedModels)
            for (ServedModel r : models.betweenBatches().all()) {
                if (r.sharedCounts().isPresent()) {
                    r.sharedCounts().get().forgetUserStates();
                    countStoredStates(r);
                }
            }
            scheduleRecount();
        });
    }

    /**
     * Hands a model whose shared state sums its users' states (BM3's degrees) every state stored
     * for it, when the job keeps per-user state: after a restore, a rollback, and each recount.
     */
    private void countStoredStates(ServedModel model) throws Exception {
        if (keepUserState && model.sharedCounts().isPresent()) {
            userStates.recount(model, getKeyedStateBackend());
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        state.snapshot(models.betweenBatches().all(), updates.checkpoint());
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        batcher.flushAll();
        sharedCounts.publish(this::emitSharedCounts);
    }

    @Override
    public void finish() throws Exception {
        batcher.flushAll();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (updates != null) {
            updates.close();
        }
        boolean inferenceIdle = true;
        if (inferenceThread != null) {
            // The models' native memory is released below: let a forward pass still running finish first.
            inferenceThread.shutdownNow();
            try {
                inferenceIdle = inferenceThread.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException cancelled) {
                Thread.currentThread().interrupt();
                inferenceIdle = inferenceThread.isTerminated();
            }
        }
        if (slices != null) {
            slices.close(); // idle once the inference thread is: it waits for every slice
        }
        if (models != null) {
            if (inferenceIdle) {
                models.close();
            } else {
                // Freeing tensors under a running forward pass could crash the process: leave them.
                LOG.warn("inference thread still busy at close; the models' native memory is not released");
            }
        }
        super.close();
    }

    // ------------------------------------------------------------------ input 1: requests

    /**
     * Buffers an event's request. A user's deletion first answers everything buffered or in flight
     * (the user's earlier events write their states back), then drops the user's model states and
     * withdraws what they counted ({@link UserModelStates#drop}), and goes on after the user's
     * earlier predictions.
     */
    @Override
    public void processElement1(StreamRecord<ScoringRequest> element) throws Exception {
        ScoringRequest r = element.getValue();
        if (r.deletion == null) {
            batcher.add(r);
            return;
        }
        batcher.flushAll();
        UserDeletionConfirmation dropped = r.deletion.copy();
        userStates.drop(r.userId, models.betweenBatches().all(), dropped);
        output.collect(new StreamRecord<>(ScoredEvent.deletion(dropped)));
    }

    // ------------------------------------------------------------------ input 2: control

    @Override
    public void processElement2(StreamRecord<ControlMessage> element) throws Exception {
        batcher.emitInFlight(); // models change only between batches (ConfinedModels)
        element.getValue().dispatchTo(this);
    }

    @Override
    public void onItemFeatures(ItemFeatures f, ControlMessage.Origin origin) {
        List<String> refusals = state.items().upsert(f, models.betweenBatches().all());
        if (!refusals.isEmpty()) {
            // The features do not fit a served model (e.g. a wrong dimension): a dead letter, not a crash.
            output.collect(DEAD_LETTERS, new StreamRecord<>(EventCodec.deadLetter(
                    "item features refused by " + String.join("; ", refusals),
                    new EventCodec().encodeItemFeatures(f), origin.topic(), origin.partition(), origin.offset(),
                    System.currentTimeMillis())));
        }
    }

    @Override
    public void onModelUpdate(ModelUpdate update, ControlMessage.Origin origin) {
        updates.request(update);
    }

    @Override
    public void onSharedCounts(SharedCounts counts, ControlMessage.Origin origin) {
        sharedCounts.received(counts, models.betweenBatches().all());
    }

    /** Runs a step once on the task thread, {@code delayMs} of processing time from now. */
    private void runLater(long delayMs, MicroBatcher.Step step) {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + delayMs, t -> step.run());
    }

    private void scheduleSwapPoll() {
        runLater(SWAP_POLL_MS, () -> {
            if (!batcher.hasBatchInFlight()) {
                applyFinishedLoads(); // else at the next flush, once the batch in flight is out
            }
            scheduleSwapPoll();
        });
    }

    /**
     * Swaps in every model whose load finished (between batches), or rejects a failed one. A version
     * rolled back to counts the states its users kept for it since it last served (BM3's degrees).
     */
    private void applyFinishedLoads() throws Exception {
        if (updates == null) {
            return;
        }
        updates.applyFinished((next, servedBefore) -> {
            state.items().replayTo(next);
            sharedCounts.servedNow(next);
            if (servedBefore) {
                countStoredStates(next);
            }
        });
    }
}
