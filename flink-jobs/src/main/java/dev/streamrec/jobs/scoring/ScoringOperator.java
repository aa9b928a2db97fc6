package dev.streamrec.jobs.scoring;

import dev.streamrec.jobs.state.UserStateTtl;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.SlicedBatches;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.ItemFeatures;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.RecommendedItem;
import dev.streamrec.schema.serde.EventCodec;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Serves every configured {@link Recommender} on the stream (input 1: scoring requests) and takes
 * item features and model updates broadcast to every subtask (input 2).
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
 *       Models are swapped and given item features only while no batch is in flight.
 *   <li>Hot swap: a model update is fetched, verified (sha256) and loaded on a background thread,
 *       then swapped in between two batches; serving never waits for a load. A corrupt or
 *       unreadable artifact is rejected with a log line and the old version keeps serving.
 *       Rollback names an earlier deployed version.
 *   <li>State: the desired model descriptors and the received item features (union list state, so
 *       a restart serves the versions and items it had), each model's incremental state (union
 *       too: after a rescale every subtask takes an even share of all, {@link RestoredModelStates}), and, keyed by user
 *       (RocksDB), the per-user state of models that keep one (MISSRec's interest working set,
 *       BM3's observed edges): read before a batch, handed to the model with the request, written
 *       back after it. A model whose shared state sums its users' states (BM3's item degrees) is
 *       told of every state written and, after a restore, of every stored one, so that state
 *       follows the users through any rescaling.
 * </ul>
 *
 * <p>Runs on the request stream keyed by user (forward-connected to the keyed sequence operator).
 */
public final class ScoringOperator extends AbstractStreamOperator<ScoredEvent>
        implements TwoInputStreamOperator<ScoringRequest, ControlMessage, ScoredEvent> {

    private static final long serialVersionUID = 1L;
    /** Its own logger (the inherited one is Flink's, which deployments keep at ERROR): warnings and restore counts stay visible. */
    private static final Logger LOG = LoggerFactory.getLogger(ScoringOperator.class);
    private static final long SWAP_POLL_MS = 100;

    /** Each subtask's model states, with where they came from: union, so a rescaled job shares them out. */
    private static final ListStateDescriptor<SubtaskModelState> MODEL_STATE =
            new ListStateDescriptor<>("recommender-state-by-subtask", TypeInformation.of(SubtaskModelState.class));
    /** Before the union state: split among the subtasks on a rescale. Read on restore, then left empty. */
    private static final ListStateDescriptor<ModelStateBlob> SPLIT_MODEL_STATE =
            new ListStateDescriptor<>("recommender-state", TypeInformation.of(ModelStateBlob.class));
    private static final ListStateDescriptor<ModelDescriptor> DESCRIPTORS =
            new ListStateDescriptor<>("model-descriptors", TypeInformation.of(ModelDescriptor.class));
    private static final ListStateDescriptor<ItemFeatures> ITEMS =
            new ListStateDescriptor<>("item-features", TypeInformation.of(ItemFeatures.class));

    private final RecommenderFactory factory;
    private final int topK;
    private final boolean excludeSeen;
    private final int batchSize;
    private final long batchTimeoutMs;
    private final Duration userStateTtl;
    private long chaosLoadDelayMs;
    private boolean keepUserState = true;
    private boolean overlap = true;
    private int inferenceThreads = 1;
    private String device = "cpu";

    private transient ServingModels serving;
    private transient List<ScoringRequest> buffer;
    private transient boolean flushTimerPending;
    /** The batch timeout passed while the models were busy: send the buffer as soon as they are free. */
    private transient boolean flushDue;
    private transient ListState<SubtaskModelState> modelState;
    private transient ListState<ModelStateBlob> splitModelState;
    private transient ListState<ModelDescriptor> descriptorState;
    private transient ListState<ItemFeatures> itemState;
    /** Keyed by user: model name -> that model's state for the user. */
    private transient MapState<String, byte[]> userModelState;
    private transient MapStateDescriptor<String, byte[]> userModelStateDescriptor;
    private transient RestoredModelStates restoredModelState;
    private transient boolean restored;
    private transient Map<String, ModelDescriptor> desired;
    private transient List<ModelDescriptor> restoredHistory;
    private transient Map<String, ItemFeatures> items;
    private transient ExecutorService loader;
    private transient Map<ModelDescriptor, CompletableFuture<Recommender>> loading;
    private transient Map<String, ModelMetrics> metrics;
    private transient Histogram batchSizes;
    private transient Counter modelErrors;
    private transient Counter batchesWhileLoading;
    private transient BatchInference inference;
    private transient ExecutorService inferenceThread;
    private transient SlicedBatches slices;
    private transient MailboxExecutor mailbox;
    /** The batch being scored on the inference thread, or null. */
    private transient InFlight inFlight;

    /** Item features no served model accepts. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("scoring-dead-letters") {};

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
        if (device != null && device.startsWith("cuda")) {
            return 1;
        }
        return Math.max(1, cores / Math.max(1, slotsPerTaskManager));
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
        modelState = context.getOperatorStateStore().getUnionListState(MODEL_STATE);
        splitModelState = context.getOperatorStateStore().getListState(SPLIT_MODEL_STATE);
        descriptorState = context.getOperatorStateStore().getUnionListState(DESCRIPTORS);
        itemState = context.getOperatorStateStore().getUnionListState(ITEMS);
        restoredModelState = new RestoredModelStates(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        desired = new LinkedHashMap<>();
        restoredHistory = new ArrayList<>();
        items = new LinkedHashMap<>();
        userModelStateDescriptor = new MapStateDescriptor<>("user-model-state", Types.STRING,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        userModelStateDescriptor.enableTimeToLive(UserStateTtl.of(userStateTtl));
        userModelState = context.getKeyedStateStore().getMapState(userModelStateDescriptor);
        restored = context.isRestored();
        if (restored) {
            for (SubtaskModelState s : modelState.get()) {
                restoredModelState.add(s);
            }
            for (ModelStateBlob b : splitModelState.get()) {
                restoredModelState.addSplit(b);
            }
            for (ModelDescriptor d : descriptorState.get()) {
                // History first, the desired version of each model last: the last one wins.
                restoredHistory.add(d);
                desired.put(d.model, d);
            }
            for (ItemFeatures f : itemState.get()) {
                items.put(f.itemId, f);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        long now = System.currentTimeMillis();
        serving = factory.create(now);
        Map<String, ModelDescriptor> initial = new HashMap<>();
        serving.currentDescriptors().forEach(d -> initial.put(d.model, d));
        for (ModelDescriptor d : restoredHistory) {
            serving.record(d, now); // known for rollback by name; what serves is settled below
        }
        // After a restart, serve the versions the job had (or was switching to).
        for (ModelDescriptor d : new ArrayList<>(desired.values())) {
            ModelDescriptor loaded = initial.get(d.model);
            if (serving.get(d.model) == null) {
                continue;
            }
            if (d.equals(loaded)) {
                serving.record(loaded, now);
                continue;
            }
            try {
                serving.swap(factory.load(d), d, now);
            } catch (Exception e) {
                LOG.error("Could not restore model {}: {}; serving {} instead", d, e.toString(), loaded);
                serving.record(loaded, now);
                if (loaded != null) {
                    desired.put(d.model, loaded);
                } else {
                    desired.remove(d.model);
                }
            }
        }
        for (Recommender r : serving.all()) {
            if (restored && keepUserState && r.sumsUserStates()) {
                recountUserStates(r);
            }
            for (RestoredModelStates.Share s : restoredModelState.of(r.name())) {
                r.restoreState(s.state(), s.share());
            }
            items.values().forEach(f -> upsertQuietly(r, f));
        }
        restoredModelState = null;
        restoredHistory = null;
        buffer = new ArrayList<>(batchSize);
        loading = new LinkedHashMap<>();
        loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "model-loader-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
            t.setDaemon(true);
            return t;
        });
        metrics = new HashMap<>();
        batchSizes = getMetricGroup().histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        modelErrors = getMetricGroup().counter("modelErrors", new ThreadSafeSimpleCounter());
        mailbox = getContainingTask().getMailboxExecutorFactory().createExecutor(getOperatorConfig().getChainIndex());
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int slots = getContainingTask().getEnvironment().getTaskManagerInfo().getConfiguration()
                .get(TaskManagerOptions.NUM_TASK_SLOTS);
        int threads = inferenceThreads(inferenceThreads, device, Runtime.getRuntime().availableProcessors(), slots);
        LOG.info("scoring subtask {}: each batch in {} slice(s), one inference thread per slice", subtask, threads);
        slices = new SlicedBatches(threads, "model-inference-" + subtask + "-slice");
        inference = new BatchInference(modelErrors, slices);
        inferenceThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "model-inference-" + subtask);
            t.setDaemon(true);
            return t;
        });
        // Evidence that a load never stalls serving: batches answered while a new version loads.
        batchesWhileLoading = getMetricGroup().counter("batchesWhileLoading");
        scheduleSwapPoll();
    }

    /**
     * Hands the model every user state this subtask stores for it: whatever the subtask held before
     * the restore, its users' states are now these. A state the model cannot read is left out with
     * a warning (the user's next answer starts over), never a failed start.
     */
    private void recountUserStates(Recommender model) throws Exception {
        long start = System.nanoTime();
        long[] counted = {0, 0}; // users, unreadable states
        getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                userModelStateDescriptor, (user, state) -> {
                    byte[] stored = state.get(model.name());
                    if (stored == null) {
                        return;
                    }
                    try {
                        model.userStateStored(null, stored);
                        counted[0]++;
                    } catch (RuntimeException e) {
                        if (counted[1]++ == 0) {
                            LOG.warn("model {} cannot read user {}'s stored state: {}", model.name(), user, e.toString());
                        }
                    }
                });
        LOG.info("model {}: shared state recounted from {} users' stored states in {} ms", model.name(), counted[0],
                (System.nanoTime() - start) / 1_000_000);
        if (counted[1] > 0) {
            LOG.warn("model {}: {} stored user states could not be read and were left out", model.name(), counted[1]);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        List<SubtaskModelState> states = new ArrayList<>();
        for (Recommender r : serving.all()) {
            byte[] s = r.snapshotState();
            if (s != null) {
                states.add(new SubtaskModelState(r.name(), s, subtask, parallelism));
            }
        }
        modelState.update(states);
        splitModelState.clear();
        // Broadcast inputs: every subtask holds the same; subtask 0 writes, union state restores all.
        boolean writer = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        List<ModelDescriptor> descriptors = new ArrayList<>();
        if (writer) {
            for (ModelDescriptor d : serving.history()) {
                if (!d.equals(desired.get(d.model))) {
                    descriptors.add(d);
                }
            }
            descriptors.addAll(desired.values()); // last per model = desired
        }
        descriptorState.update(descriptors);
        itemState.update(writer ? new ArrayList<>(items.values()) : List.of());
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flushAndEmitAll();
    }

    @Override
    public void finish() throws Exception {
        flushAndEmitAll();
        super.finish();
    }

    /** Scores the buffer and emits every prediction still owed: nothing stays buffered or in flight. */
    private void flushAndEmitAll() throws Exception {
        flush();
        emitInFlight();
    }

    @Override
    public void close() throws Exception {
        if (loader != null) {
            loader.shutdownNow();
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
        if (serving != null) {
            if (inferenceIdle) {
                serving.close();
            } else {
                // Freeing tensors under a running forward pass could crash the process: leave them.
                LOG.warn("inference thread still busy at close; the models' native memory is not released");
            }
        }
        super.close();
    }

    // ------------------------------------------------------------------ input 1: requests

    @Override
    public void processElement1(StreamRecord<ScoringRequest> element) throws Exception {
        buffer.add(element.getValue());
        if (buffer.size() >= batchSize) {
            flush();
        } else if (batchTimeoutMs == 0) {
            flushWhenIdle();
        } else if (!flushTimerPending && !flushDue) {
            flushTimerPending = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + batchTimeoutMs, t -> {
                flushTimerPending = false;
                flushWhenIdle();
            });
        }
    }

    /**
     * The batch timeout passed: flush now if the models are free; while a batch is still being
     * scored, let the buffer keep filling and flush when that batch is out (under load, batches
     * grow towards {@code batchSize} by themselves; an idle model never waits longer than the timeout).
     */
    private void flushWhenIdle() throws Exception {
        if (busy()) {
            flushDue = true;
        } else {
            flush();
        }
    }

    /** Whether a batch is still being scored on the inference thread. */
    private boolean busy() {
        return inFlight != null && !inFlight.answers.isDone();
    }

    /**
     * Sends the buffered requests to the models: turns them into model requests (decoding each
     * history) while the batch in flight is still being scored, then waits for that batch and writes
     * its users' model states back, applies finished model loads, hands the new batch to the
     * inference thread (or scores it right here without overlap), and only then emits the previous
     * batch's predictions, so that the models are not idle while the task thread prepares the next
     * batch or encodes, sinks and evaluates the last one. Predictions still leave in batch order.
     */
    private void flush() throws Exception {
        flushDue = false;
        Batch next = buffer.isEmpty() ? null : takeBuffer();
        Scored previous = awaitInFlight();
        applyFinishedLoads();
        if (next != null) {
            score(next);
        }
        emit(previous);
        if (!overlap) {
            emitInFlight();
        }
    }

    /** The buffered requests, as the models take them (without per-user model state); the buffer starts again. */
    private Batch takeBuffer() {
        List<ScoringRequest> batch = buffer;
        buffer = new ArrayList<>(batchSize);
        List<RecommendRequest> plain = new ArrayList<>(batch.size());
        for (ScoringRequest r : batch) {
            plain.add(new RecommendRequest(r.userId, r.history(), topK, excludeSeen));
        }
        return new Batch(batch, plain);
    }

    /** Buffered requests taken for scoring, and the same as model requests. */
    private record Batch(List<ScoringRequest> requests, List<RecommendRequest> plain) {}

    /**
     * Scores a batch: on the inference thread with overlap (it becomes the batch in flight), else at
     * once. Per-user model states are read here, after the previous batch wrote its own back.
     */
    private void score(Batch next) throws Exception {
        List<ScoringRequest> batch = next.requests();
        List<RecommendRequest> plain = next.plain();
        batchSizes.update(batch.size());
        if (!loading.isEmpty()) {
            batchesWhileLoading.inc();
        }
        List<Recommender> models = new ArrayList<>(serving.all());
        boolean[] stateful = new boolean[models.size()];
        List<List<RecommendRequest>> requests = new ArrayList<>(models.size());
        for (int m = 0; m < models.size(); m++) {
            stateful[m] = keepUserState && models.get(m).keepsUserState();
            // Read after the previous batch wrote its users' states back: a user in both sees the newest.
            requests.add(stateful[m] ? withUserState(models.get(m), plain) : plain);
        }
        if (!overlap) {
            inFlight = new InFlight(batch, models, requests, stateful,
                    CompletableFuture.completedFuture(inference.run(batch, models, requests, stateful)));
            return;
        }
        CompletableFuture<List<List<Answer>>> answers = CompletableFuture.supplyAsync(
                () -> inference.run(batch, models, requests, stateful), inferenceThread);
        inFlight = new InFlight(batch, models, requests, stateful, answers);
        answers.whenComplete((a, failure) -> {
            try {
                mailbox.execute(this::emitIfDone, "emit scored batch");
            } catch (RejectedExecutionException closing) {
                // the task is shutting down; the batch is answered again after the restore
            }
        });
    }

    /** Mail from the inference thread: the batch in flight is done, emit it (if not emitted yet) and send a due buffer. */
    private void emitIfDone() throws Exception {
        if (busy()) {
            return; // a newer batch: its own mail comes when it is done
        }
        if (flushDue) {
            flush(); // emits the batch in flight first
        } else {
            emitInFlight();
        }
    }

    /** Waits for the batch in flight, if any, and emits its predictions and per-user model states. */
    private void emitInFlight() throws Exception {
        emit(awaitInFlight());
    }

    /**
     * Waits for the batch in flight and writes its users' model states back (before any later batch
     * reads them); returns it with its answers, or null when no batch is in flight.
     */
    private Scored awaitInFlight() throws Exception {
        InFlight done = inFlight;
        if (done == null) {
            return null;
        }
        inFlight = null;
        List<List<Answer>> answers;
        try {
            answers = done.answers.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
        for (int m = 0; m < done.models.size(); m++) {
            if (done.stateful[m]) {
                storeUserState(done.models.get(m), done.requests.get(m), answers.get(m));
            }
        }
        return new Scored(done, answers);
    }

    /** Emits a scored batch's predictions, model by model; nothing for null. */
    private void emit(Scored scored) {
        if (scored == null) {
            return;
        }
        InFlight done = scored.scored();
        for (int m = 0; m < done.models.size(); m++) {
            emitPredictions(done.models.get(m), done.batch, scored.answers().get(m));
        }
    }

    private void emitPredictions(Recommender model, List<ScoringRequest> batch, List<Answer> answers) {
        long now = System.currentTimeMillis();
        ModelMetrics m = metricsFor(model);
        for (int i = 0; i < batch.size(); i++) {
            ScoringRequest r = batch.get(i);
            List<ScoredItem> top = answers.get(i).items();
            List<RecommendedItem> out = new ArrayList<>(top.size());
            for (ScoredItem s : top) {
                out.add(new RecommendedItem(s.itemId(), s.score()));
            }
            long latency = Math.max(0, now - r.ingestTimeMillis);
            Prediction p = new Prediction(r.eventId, r.userId, r.timestamp, model.name(), model.version(), out, latency);
            output.collect(new StreamRecord<>(new ScoredEvent(p, r.itemId, r.inOrder)));
            m.predictions.inc();
            m.latency.update(latency);
        }
    }

    /** The requests with each user's stored state for this model (keyed state, RocksDB). */
    private List<RecommendRequest> withUserState(Recommender model, List<RecommendRequest> requests) throws Exception {
        List<RecommendRequest> out = new ArrayList<>(requests.size());
        for (RecommendRequest r : requests) {
            setCurrentKey(r.userId());
            out.add(r.withUserState(userModelState.get(model.name())));
        }
        return out;
    }

    /**
     * Writes back each user's new state: the one answered to its last event of the batch (every
     * request of a user carried the state stored before the batch). A model that sums its users'
     * states learns of each change.
     */
    private void storeUserState(Recommender model, List<RecommendRequest> requests, List<Answer> answers)
            throws Exception {
        Map<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            if (answers.get(i).userState() != null) {
                last.put(requests.get(i).userId(), i);
            }
        }
        boolean sums = model.sumsUserStates();
        for (int i : last.values()) {
            RecommendRequest r = requests.get(i);
            byte[] state = answers.get(i).userState();
            if (state == r.userState()) {
                continue; // unchanged (a model that failed answers with the state it was given)
            }
            setCurrentKey(r.userId());
            userModelState.put(model.name(), state);
            if (sums) {
                try {
                    model.userStateStored(r.userState(), state);
                } catch (RuntimeException e) {
                    modelErrors.inc();
                    LOG.warn("model {} could not count user {}'s new state: {}", model.name(), r.userId(), e.toString());
                }
            }
        }
    }

    /** A batch handed to the inference thread, with what its answers are emitted with. */
    private record InFlight(List<ScoringRequest> batch, List<Recommender> models,
            List<List<RecommendRequest>> requests, boolean[] stateful,
            CompletableFuture<List<List<Answer>>> answers) {}

    /** A batch whose answers are in and whose user states are written back, not yet emitted. */
    private record Scored(InFlight scored, List<List<Answer>> answers) {}

    // ------------------------------------------------------------------ input 2: control

    @Override
    public void processElement2(StreamRecord<ControlMessage> element) throws Exception {
        emitInFlight(); // models change only while none of them is scoring
        ControlMessage c = element.getValue();
        if (c.itemFeatures != null) {
            ItemFeatures f = c.itemFeatures;
            List<String> refusals = new ArrayList<>();
            for (Recommender r : serving.all()) {
                try {
                    r.upsertItem(f.itemId, f.text, f.modalities);
                } catch (RuntimeException e) {
                    refusals.add(r.name() + ": " + e.getMessage());
                }
            }
            if (refusals.isEmpty()) {
                items.put(f.itemId, f);
            } else {
                // The features do not fit a served model (e.g. a wrong dimension): a dead letter, not a crash.
                output.collect(DEAD_LETTERS, new StreamRecord<>(EventCodec.deadLetter(
                        "item features refused by " + String.join("; ", refusals),
                        new EventCodec().encodeItemFeatures(f), c.sourceTopic, c.sourcePartition, c.sourceOffset,
                        System.currentTimeMillis())));
            }
        } else if (c.modelUpdate != null) {
            handleUpdate(c.modelUpdate);
        }
    }

    private void handleUpdate(ModelUpdate u) {
        if (serving.get(u.model) == null) {
            LOG.warn("Ignoring update for model '{}': not served by this job (served: {})", u.model, serving.names());
            return;
        }
        ModelDescriptor d;
        if ("rollback".equals(u.action)) {
            d = serving.deployed(u.model, u.version);
            if (d == null) {
                LOG.error("Rejected rollback of {} to version {}: that version was never deployed here", u.model, u.version);
                return;
            }
        } else {
            d = new ModelDescriptor(u.model, u.version, u.uri, u.sha256);
        }
        if (d.equals(serving.current(d.model))) {
            desired.put(d.model, d); // e.g. a rollback to the serving version cancels a newer load
            return;
        }
        desired.put(d.model, d);
        if (loading.containsKey(d)) {
            return;
        }
        ModelDescriptor target = d;
        long delay = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0 ? chaosLoadDelayMs : 0;
        loading.put(d, CompletableFuture.supplyAsync(() -> {
            try {
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                return factory.load(target);
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, loader));
    }

    private void scheduleSwapPoll() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + SWAP_POLL_MS, t -> {
            if (inFlight == null) {
                applyFinishedLoads(); // else at the next flush, once the batch in flight is out
            }
            scheduleSwapPoll();
        });
    }

    /** Swaps in every model whose load finished (between batches), or rejects a failed one. */
    private void applyFinishedLoads() {
        if (loading == null || loading.isEmpty()) {
            return;
        }
        var it = loading.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isDone()) {
                continue;
            }
            it.remove();
            ModelDescriptor d = e.getKey();
            try {
                Recommender next = e.getValue().join();
                if (!d.equals(desired.get(d.model))) {
                    next.close(); // superseded by a later update while loading
                    continue;
                }
                items.values().forEach(f -> upsertQuietly(next, f));
                serving.swap(next, d, System.currentTimeMillis());
                LOG.info("Now serving {}", d);
            } catch (RuntimeException failed) {
                Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
                LOG.error("Rejected model update {}: {}. Still serving {}", d, cause.getMessage(), serving.current(d.model));
                if (d.equals(desired.get(d.model))) {
                    // Nothing newer was asked for meanwhile: the job goes on wanting what it serves.
                    ModelDescriptor still = serving.current(d.model);
                    if (still != null) {
                        desired.put(d.model, still);
                    } else {
                        desired.remove(d.model);
                    }
                }
            }
        }
    }

    /** Re-applies stored item features to a (new) model; features it refuses are skipped. */
    private void upsertQuietly(Recommender r, ItemFeatures f) {
        try {
            r.upsertItem(f.itemId, f.text, f.modalities);
        } catch (RuntimeException e) {
            LOG.warn("model {} refuses stored features of item {}: {}", r.name(), f.itemId, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ metrics

    /** Per model version: predictions, event-to-prediction latency, age of the served version. */
    private static final class ModelMetrics {
        Counter predictions;
        Histogram latency;
    }

    private ModelMetrics metricsFor(Recommender model) {
        String key = model.name() + "\u0000" + model.version();
        ModelMetrics m = metrics.get(key);
        if (m == null) {
            m = new ModelMetrics();
            MetricGroup g = getMetricGroup().addGroup("model", model.name()).addGroup("version", model.version());
            m.predictions = g.counter("predictions");
            m.latency = g.histogram("eventToPredictionLatencyMs", new DescriptiveStatisticsHistogram(10_000));
            String name = model.name();
            g.gauge("modelAgeSeconds", () -> (System.currentTimeMillis() - serving.loadedAt(name)) / 1000L);
            String version = model.version();
            // Info-style gauge: 1 while this version serves, 0 after it was swapped out.
            g.gauge("modelVersion", () -> {
                Recommender now = serving.get(name);
                return now != null && now.version().equals(version) ? 1 : 0;
            });
            metrics.put(key, m);
        }
        return m;
    }
}
