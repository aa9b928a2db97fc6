package dev.streamrec.jobs.scoring;

import dev.streamrec.model.serving.Snapshotting;
import dev.streamrec.schema.event.ItemFeatures;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.util.ArrayList;
import java.util.List;

/**
 * What a scoring subtask keeps in operator state, and its restore: each served model's incremental
 * state, the model versions the job wants served, and the item features it received.
 *
 * <ul>
 *   <li>Model states: union list state ({@code recommender-state-by-subtask}), tagged with the
 *       subtask and parallelism that wrote them, so that after a rescale every subtask takes an
 *       even share of all ({@link RestoredModelStates}). The split list state of earlier releases
 *       ({@code recommender-state}) is read on restore and then left empty.
 *   <li>Wanted versions ({@code model-descriptors}) and item features ({@code item-features}):
 *       union list state written by subtask 0 alone, since every subtask receives the same
 *       broadcast; a restored subtask serves the versions the job had (or was switching to,
 *       {@link ModelUpdates}) and knows the items it had ({@link ServedItemFeatures}).
 * </ul>
 *
 * <p>State names are those of the savepoints already taken: never rename them.
 */
final class ServingState {

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

    private final int subtask;
    private final int parallelism;
    private final boolean restored;
    private final ListState<SubtaskModelState> modelState;
    private final ListState<ModelStateBlob> splitModelState;
    private final ListState<ModelDescriptor> descriptorState;
    private final ListState<ItemFeatures> itemState;
    private final ServedItemFeatures items = new ServedItemFeatures();
    /** What the checkpoint held for the models and the versions, until the models started serving; then null. */
    private RestoredModelStates restoredModelStates;
    private List<ModelDescriptor> restoredDescriptors = new ArrayList<>();

    /**
     * Registers the states and, on a restore, reads them.
     *
     * @param restored whether the subtask starts from a checkpoint
     * @param subtask this subtask's index
     * @param parallelism the job's parallelism now
     */
    ServingState(OperatorStateStore store, boolean restored, int subtask, int parallelism) throws Exception {
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.restored = restored;
        this.modelState = store.getUnionListState(MODEL_STATE);
        this.splitModelState = store.getListState(SPLIT_MODEL_STATE);
        this.descriptorState = store.getUnionListState(DESCRIPTORS);
        this.itemState = store.getUnionListState(ITEMS);
        this.restoredModelStates = new RestoredModelStates(subtask, parallelism);
        if (restored) {
            for (SubtaskModelState s : modelState.get()) {
                restoredModelStates.add(s);
            }
            for (ModelStateBlob b : splitModelState.get()) {
                restoredModelStates.addSplit(b);
            }
            descriptorState.get().forEach(restoredDescriptors::add);
            items.restore(itemState.get());
        }
    }

    /** Whether the subtask started from a checkpoint. */
    boolean restored() {
        return restored;
    }

    /** The item features received so far (restored ones included). */
    ServedItemFeatures items() {
        return items;
    }

    /** The versions the checkpoint wanted served, for {@link ModelUpdates} (empty on a fresh start). */
    List<ModelDescriptor> restoredVersions() {
        return restoredDescriptors;
    }

    /**
     * Gives a model that serves from the start what the checkpoint kept for it: its share of the
     * checkpointed model states, then every kept item's features.
     */
    void restoreInto(ServedModel model) {
        model.snapshots().ifPresent(m -> {
            for (RestoredModelStates.Share s : restoredModelStates.of(model.name())) {
                m.restoreState(s.state(), s.share());
            }
        });
        items.replayTo(model);
    }

    /** Every model serves: what was read from the checkpoint is not needed any more. */
    void restoreDone() {
        restoredModelStates = null;
        restoredDescriptors = null;
    }

    /**
     * Writes the checkpoint: every served model's incremental state, and (subtask 0) the wanted
     * versions and the item features.
     *
     * @param wanted every deployed version, each model's wanted one last ({@link ModelUpdates#checkpoint})
     */
    void snapshot(List<ServedModel> served, List<ModelDescriptor> wanted) throws Exception {
        List<SubtaskModelState> states = new ArrayList<>();
        for (ServedModel r : served) {
            byte[] s = r.snapshots().map(Snapshotting::snapshotState).orElse(null);
            if (s != null) {
                states.add(new SubtaskModelState(r.name(), s, subtask, parallelism));
            }
        }
        modelState.update(states);
        splitModelState.clear();
        // Broadcast inputs: every subtask holds the same; subtask 0 writes, union state restores all.
        boolean writer = subtask == 0;
        descriptorState.update(writer ? wanted : List.of());
        itemState.update(writer ? items.all() : List.of());
    }
}
