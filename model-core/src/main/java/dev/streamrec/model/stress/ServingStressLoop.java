package dev.streamrec.model.stress;

import dev.streamrec.model.data.Interaction;
import dev.streamrec.model.serving.AcceptsItemFeatures;
import dev.streamrec.model.serving.Answer;
import dev.streamrec.model.serving.LearnsOnline;
import dev.streamrec.model.serving.RecommendRequest;
import dev.streamrec.model.serving.Recommender;
import dev.streamrec.model.serving.ScoredItem;
import dev.streamrec.model.serving.SlicedBatches;
import dev.streamrec.model.serving.UserStateful;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The serving side of a serving stress run, shaped like the scoring operator: the task thread (the
 * caller) builds each batch from the replay and the users' stored states, an inference thread
 * scores it with every served model (stateful ones through {@code answer}, concurrent ones in two
 * slices) and lets the learning ones observe it, while the task thread already reads the next
 * events; every swap interval each model starts loading its other version on a loader thread while
 * batches go on, and a finished load is swapped in between batches (after the new items' features
 * are replayed to it) and the old version closed; every few batches a new item's features go to
 * the models that take them. Every answer is checked ({@link AnswerCheck}); a progress line goes out
 * every report interval, and one result line per model and a total at the end ({@link ServingLines}).
 * With fine-tuning on, a round starts every fine-tuning interval on the last {@code window} events
 * replayed, on a trainer thread of this JVM ({@link InJvmFineTuning}), while the batches go on.
 */
final class ServingStressLoop {

    /**
     * How the loop runs: see {@link ServingStressOptions} for each. {@code minSwaps}: serve on past the
     * duration (by at most {@link #GRACE}) until every model with two versions has swapped this often,
     * so that a short run on a slow machine still swaps (tests; the command uses 0).
     */
    record Settings(Duration duration, Duration swapEvery, Duration reportEvery, int batchSize, int k, int upsertEvery,
            int minSwaps) {}

    /** The longest a run serves past its duration waiting for {@code minSwaps}. */
    static final Duration GRACE = Duration.ofMinutes(2);

    private final Settings settings;
    private final List<ServedSlot> slots;
    private final EventReplay replay;
    private final NewItemFeatures newItems;
    private final PrintStream out;
    private final InJvmFineTuning fineTuning;
    private final int fineTuneWindow;
    /** The last {@code fineTuneWindow} events replayed, oldest first (kept only with fine-tuning on). */
    private final ArrayDeque<Interaction> recent = new ArrayDeque<>();
    private final Map<String, NewItemFeatures.Item> upserted = new LinkedHashMap<>();
    private long events;
    private long batches;
    /** The batch count at the last progress line. */
    private long reportedAt = -1;

    /**
     * @param newItems where new items' features come from; null for none
     * @param out where the report lines and fault logs go
     */
    ServingStressLoop(Settings settings, List<ServedSlot> slots, EventReplay replay, NewItemFeatures newItems,
            PrintStream out) {
        this(settings, slots, replay, newItems, out, null, 0);
    }

    /**
     * @param fineTuning the rounds to run beside serving; null for none
     * @param fineTuneWindow how many of the last replayed events each round trains on
     */
    ServingStressLoop(Settings settings, List<ServedSlot> slots, EventReplay replay, NewItemFeatures newItems,
            PrintStream out, InJvmFineTuning fineTuning, int fineTuneWindow) {
        this.settings = settings;
        this.slots = slots;
        this.replay = replay;
        this.newItems = newItems;
        this.out = out;
        this.fineTuning = fineTuning;
        this.fineTuneWindow = fineTuneWindow;
    }

    /** Serves for the duration, prints the results, and closes every model. */
    void run() throws Exception {
        ExecutorService inference = Executors.newSingleThreadExecutor(daemon("stress-inference"));
        ExecutorService loader = Executors.newSingleThreadExecutor(daemon("stress-loader"));
        SlicedBatches slices = new SlicedBatches(2, "stress-slice");
        long start = System.nanoTime();
        long end = start + settings.duration().toNanos();
        long nextSwap = start + settings.swapEvery().toNanos();
        long nextReport = start + settings.reportEvery().toNanos();
        long nextFineTune = fineTuning == null ? Long.MAX_VALUE : start + fineTuning.every().toNanos();
        try {
            List<EventReplay.Event> next = replay.next(settings.batchSize());
            long hardEnd = end + GRACE.toNanos();
            while (System.nanoTime() < end || (!swappedEnough() && System.nanoTime() < hardEnd)) {
                List<EventReplay.Event> batch = next;
                List<Recommender> lent = new ArrayList<>();
                List<List<RecommendRequest>> requests = new ArrayList<>();
                List<RecommendRequest> plain = plainRequests(batch);
                for (ServedSlot s : slots) {
                    lent.add(s.model());
                    requests.add(s.stateful() ? s.attach(plain) : plain);
                }
                Future<List<List<Answer>>> scored = inference.submit(() -> score(batch, lent, requests, slices));
                next = replay.next(settings.batchSize()); // the task thread goes on meanwhile
                if (System.nanoTime() >= nextSwap) {
                    slots.forEach(s -> s.startLoad(loader)); // loads overlap the batches that follow
                    nextSwap += settings.swapEvery().toNanos();
                }
                List<List<Answer>> answers = await(scored);
                checkAndStore(requests, answers);
                events += batch.size();
                batches++;
                applyFinishedLoads();
                if (fineTuning != null) {
                    remember(batch);
                    fineTuning.collect();
                    if (System.nanoTime() >= nextFineTune && fineTuning.ready()) {
                        fineTuning.start(List.copyOf(recent));
                        nextFineTune = System.nanoTime() + fineTuning.every().toNanos();
                    }
                }
                if (newItems != null && settings.upsertEvery() > 0 && batches % settings.upsertEvery() == 0) {
                    upsert(newItems.next());
                }
                if (System.nanoTime() >= nextReport) {
                    out.println(ServingLines.progress(progress(start)));
                    out.flush();
                    reportedAt = batches;
                    nextReport += settings.reportEvery().toNanos();
                }
            }
            if (batches != reportedAt) {
                out.println(ServingLines.progress(progress(start))); // the end, unless just reported
            }
            for (ServedSlot s : slots) {
                out.println(ServingLines.result(s.counts.result(s.name)));
            }
            out.println(ServingLines.total(new ServingLines.Total(events, batches, (System.nanoTime() - start) / 1e9)));
            if (fineTuning != null) {
                fineTuning.close(); // the round under way finishes and is counted
                out.println(ServingLines.fineTuneTotal(fineTuning.total()));
            }
            out.flush();
        } finally {
            inference.shutdownNow();
            loader.shutdownNow();
            // the models' native memory goes below: no forward pass or load may still run
            boolean idle = inference.awaitTermination(120, TimeUnit.SECONDS) & loader.awaitTermination(600, TimeUnit.SECONDS);
            slices.close();
            if (idle) {
                slots.forEach(ServedSlot::close);
            }
        }
    }

    /** Whether every model with two versions has swapped {@code minSwaps} times. */
    private boolean swappedEnough() {
        for (ServedSlot s : slots) {
            if (s.swappable() && s.counts.swaps.get() < settings.minSwaps()) {
                return false;
            }
        }
        return true;
    }

    /** Keeps the batch's events as interactions, the last {@code fineTuneWindow} of them. */
    private void remember(List<EventReplay.Event> batch) {
        for (EventReplay.Event e : batch) {
            recent.addLast(new Interaction(e.userId(), e.itemId(), e.timestampMillis(), 1.0));
            if (recent.size() > fineTuneWindow) {
                recent.removeFirst();
            }
        }
    }

    private List<RecommendRequest> plainRequests(List<EventReplay.Event> batch) {
        List<RecommendRequest> plain = new ArrayList<>(batch.size());
        for (EventReplay.Event e : batch) {
            plain.add(new RecommendRequest(e.userId(), e.history(), settings.k(), true));
        }
        return plain;
    }

    /** On the inference thread: every model's answers (null for a model that threw), then the learning. */
    private List<List<Answer>> score(List<EventReplay.Event> batch, List<Recommender> models,
            List<List<RecommendRequest>> requests, SlicedBatches slices) {
        SlicedBatches.useDefaultThreads();
        List<List<Answer>> answers = new ArrayList<>(models.size());
        for (int m = 0; m < models.size(); m++) {
            Recommender model = models.get(m);
            try {
                answers.add(model.recommendsConcurrently()
                        ? slices.map(requests.get(m), b -> call(model, b))
                        : slices.unsliced(requests.get(m), b -> call(model, b)));
            } catch (RuntimeException e) {
                slots.get(m).fault(out, "scoring a batch", e);
                answers.add(null);
            }
        }
        for (int m = 0; m < models.size(); m++) {
            if (models.get(m) instanceof LearnsOnline learner) {
                for (EventReplay.Event e : batch) {
                    try {
                        learner.observe(e.userId(), e.historyBefore(), e.itemId(), e.timestampMillis());
                    } catch (RuntimeException ex) {
                        slots.get(m).fault(out, "learning from an event", ex);
                    }
                }
            }
        }
        return answers;
    }

    /** A stateful model answers with states; any other recommends. */
    private static List<Answer> call(Recommender model, List<RecommendRequest> batch) {
        return model instanceof UserStateful s ? s.answer(batch) : Answer.withoutState(model.recommend(batch));
    }

    private static <T> T await(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
        }
    }

    /** Checks every answer and stores the users' new states. */
    private void checkAndStore(List<List<RecommendRequest>> requests, List<List<Answer>> answers) {
        for (int m = 0; m < slots.size(); m++) {
            ServedSlot slot = slots.get(m);
            List<RecommendRequest> asked = requests.get(m);
            List<Answer> got = answers.get(m);
            if (got == null) {
                continue; // counted as an exception
            }
            slot.counts.batches.incrementAndGet();
            slot.counts.events.addAndGet(asked.size());
            if (got.size() != asked.size()) {
                slot.counts.badAnswers.addAndGet(asked.size());
                out.println("stress-fault " + slot.name + ": " + got.size() + " answers to " + asked.size() + " requests");
                continue;
            }
            for (int i = 0; i < asked.size(); i++) {
                List<ScoredItem> items = got.get(i).items();
                Set<AnswerCheck.Fault> faults = AnswerCheck.check(asked.get(i), items, slot.catalogueSize, slot::knows);
                slot.counts.nonFinite.addAndGet(AnswerCheck.nonFiniteScores(items));
                faults.remove(AnswerCheck.Fault.NON_FINITE_SCORE);
                if (faults.remove(AnswerCheck.Fault.COLD_EMPTY)) {
                    slot.counts.coldEmpty.incrementAndGet();
                }
                if (!faults.isEmpty() && slot.counts.badAnswers.incrementAndGet() <= 5) {
                    out.println("stress-fault " + slot.name + ": user " + asked.get(i).userId() + " " + faults + ": " + items);
                }
            }
            if (slot.stateful()) {
                slot.store(asked, got, out);
            }
        }
    }

    /** Between batches: swaps in every finished load, once it knows the new items and, on a return, its users' states. */
    private void applyFinishedLoads() throws InterruptedException {
        for (ServedSlot slot : slots) {
            ServedSlot.Loaded loaded = slot.finishedLoad(out);
            if (loaded == null) {
                continue;
            }
            if (loaded.model() instanceof AcceptsItemFeatures accepts) {
                for (NewItemFeatures.Item item : upserted.values()) {
                    try {
                        accepts.upsertItem(item.itemId(), item.text(), item.modalities());
                    } catch (RuntimeException e) {
                        slot.fault(out, "replaying item " + item.itemId() + " to a new version", e);
                    }
                }
            }
            if (loaded.servedBefore()) {
                slot.recountStates(loaded.model());
            }
            slot.swapIn(loaded.model());
        }
    }

    /** Between batches: a new item's features to every model that takes them. */
    private void upsert(NewItemFeatures.Item item) {
        for (ServedSlot slot : slots) {
            if (slot.model() instanceof AcceptsItemFeatures accepts) {
                try {
                    accepts.upsertItem(item.itemId(), item.text(), item.modalities());
                } catch (RuntimeException e) {
                    slot.fault(out, "taking item " + item.itemId() + "'s features", e);
                }
            }
        }
        upserted.put(item.itemId(), item);
    }

    private ServingLines.Progress progress(long start) {
        long swaps = 0;
        long nonFinite = 0;
        long bad = 0;
        long exceptions = 0;
        for (ServedSlot s : slots) {
            swaps += s.counts.swaps.get();
            nonFinite += s.counts.nonFinite.get();
            bad += s.counts.badAnswers.get();
            exceptions += s.counts.exceptions.get();
        }
        return new ServingLines.Progress((System.nanoTime() - start) / 1e9, events, batches, swaps, nonFinite, bad,
                exceptions, ProcessMemory.rssMb(), ProcessMemory.heapUsedMb());
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
