package dev.streamrec.model.kdsr;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.streamrec.model.backbone.ItemEmbeddingBlock;
import dev.streamrec.model.backbone.NextItemLoss;
import dev.streamrec.model.backbone.SequenceModelBlock;
import dev.streamrec.model.train.TensorWrites;
import dev.streamrec.model.train.Scalars;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The training graph of a KDSR-trained (or, with no modality, a plain) sequence encoder:
 * L = L_RS + λ1·Σ_m L_SKD(m) + λ2·Σ_m L_CKD(m) (models.md §7). The backbone sees the item table
 * E_id + Σ_m W_m e_a^m; after training this table is materialised into the backbone's own ID table,
 * so the exported {@link SequenceModelBlock} scores with ID embeddings only and the modality
 * tables, teachers, projections and classifiers stay out of the artifact.
 *
 * <p>Inputs: ids (B, L) int64, targets (B, L) int64 (0 = not counted), then what the
 * recommendation loss L_RS ({@link NextItemLoss.Kind}) needs: nothing for the full softmax;
 * negatives (S) int64 and optionally their logQ (S) float32 (log-Q corrected when given) for the
 * sampled softmax; negatives (S) or (B, L, K) int64 for BCE. Built without a kind, the block keeps
 * its behaviour from before the loss option: full softmax, or the uncorrected sampled softmax when
 * negatives are passed. Output: [total, recommendation, holistic, dissected] scalars.
 *
 * <p>The holistic loss is exact over all pairs ((B, T, T) cosines are cheap). The dissected loss is
 * exact over all pairs when {@link KdsrConfig#dissectedPairs()} is 0 ((B, T, T, d) pair gaps through
 * the classifier), otherwise the unbiased estimate of {@link CorrelationPairs#sample} over
 * (P, d) gathers, its partners drawn from a generator seeded at construction.
 */
public final class KdsrTrainingBlock extends AbstractBlock {

    private final SequenceModelBlock backbone;
    private final List<ModalityStudentBlock> students = new ArrayList<>();
    private final List<ModalityTeacher> teachers;
    private final KdsrConfig kdsr;
    /** The L_RS to compute; null: chosen by the inputs as before the loss option. */
    private final NextItemLoss.Kind loss;
    /** Draws the dissected loss's partners (used only when it samples them). */
    private final Random pairRandom;

    /** L_RS chosen by the inputs: full softmax, or uncorrected sampled softmax given negatives. */
    public KdsrTrainingBlock(SequenceModelBlock backbone, List<ModalityTeacher> teachers, KdsrConfig kdsr) {
        this(backbone, teachers, kdsr, null);
    }

    /** Dissected-loss partners drawn with seed 0; see the constructor with a seed. */
    public KdsrTrainingBlock(SequenceModelBlock backbone, List<ModalityTeacher> teachers, KdsrConfig kdsr,
            NextItemLoss.Kind loss) {
        this(backbone, teachers, kdsr, loss, 0L);
    }

    /** {@code seed}: the run's seed, for the dissected loss's sampled partners. */
    public KdsrTrainingBlock(SequenceModelBlock backbone, List<ModalityTeacher> teachers, KdsrConfig kdsr,
            NextItemLoss.Kind loss, long seed) {
        this.loss = loss;
        this.pairRandom = new Random(seed);
        this.backbone = addChildBlock("backbone", backbone);
        this.teachers = teachers;
        this.kdsr = kdsr;
        for (ModalityTeacher t : teachers) {
            students.add(addChildBlock("student_" + t.name(),
                    new ModalityStudentBlock(backbone.config().numItems(), backbone.config().dim(), kdsr.codebookK())));
        }
    }

    public SequenceModelBlock backbone() {
        return backbone;
    }

    public List<ModalityStudentBlock> students() {
        return students;
    }

    /** Copies each teacher's AE codes into its student's modality table (call after initialize). */
    public void initialiseModalityTables() {
        for (int m = 0; m < students.size(); m++) {
            float[][] codes = teachers.get(m).codes();
            NDArray table = students.get(m).tableParameter().getArray();
            float[] flat = new float[Math.toIntExact(table.size())];
            for (int r = 0; r < codes.length; r++) {
                System.arraycopy(codes[r], 0, flat, r * codes[r].length, codes[r].length);
            }
            TensorWrites.overwrite(table, flat);
        }
    }

    /** The item table the backbone sees: E_id + Σ_m W_m e_a^m, [N+1, d]. */
    public NDArray itemTable(ParameterStore ps, Device device, boolean training) {
        NDArray table = backbone.items().table(ps, device, training);
        for (ModalityStudentBlock s : students) {
            table = table.add(s.fused(ps, s.table(ps, device, training), training));
        }
        return table;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0); // (B, L)
        NDArray targets = inputs.get(1); // (B, L)
        Device device = ids.getDevice();
        NDArray table = itemTable(ps, device, training); // (N+1, d)
        NDArray hidden = backbone.encode(ps, table, ids, training); // (B, L, d)
        NDArray rec = recommendationLoss(hidden, table, targets, inputs);
        NDArray holistic = ids.getManager().zeros(new Shape());
        NDArray dissected = ids.getManager().zeros(new Shape());
        if (!students.isEmpty() && (kdsr.lambda1() > 0 || kdsr.lambda2() > 0)) {
            NDArray pairs = HolisticCorrelationLoss.pairMask(ids.neq(0).toType(DataType.FLOAT32, false)); // (B, L, L)
            CorrelationPairs sampled = kdsr.lambda2() > 0 && kdsr.dissectedPairs() > 0 ? samplePairs(ids) : null;
            for (int m = 0; m < students.size(); m++) {
                ModalityStudentBlock s = students.get(m);
                ModalityTeacher t = teachers.get(m);
                NDArray studentTable = s.table(ps, device, training);
                NDArray rows = ItemEmbeddingBlock.lookup(studentTable, ids); // (B, L, d)
                if (kdsr.lambda1() > 0) {
                    NDArray teacherCos = HolisticCorrelationLoss.cosineMatrix(ItemEmbeddingBlock.lookup(t.features(), ids));
                    NDArray studentCos = HolisticCorrelationLoss.cosineMatrix(s.correlationView(ps, rows, training));
                    holistic = holistic.add(HolisticCorrelationLoss.of(
                            kdsr.holistic(), studentCos, teacherCos, pairs, (float) kdsr.tau()));
                }
                if (kdsr.lambda2() > 0) {
                    dissected = dissected.add(sampled == null
                            ? allPairsDissected(ps, s, t, rows, ids, pairs, training)
                            : sampledDissected(ps, s, t, studentTable, sampled, ids.getManager(), training));
                }
            }
        }
        NDArray total = rec.add(Scalars.mul(holistic, (float) kdsr.lambda1())).add(Scalars.mul(dissected, (float) kdsr.lambda2()));
        return new NDList(total, rec, holistic, dissected);
    }

    /** L_CKD over every pair of the batch: (B, L, L, d) pair gaps (the paper's exact mean). */
    private static NDArray allPairsDissected(ParameterStore ps, ModalityStudentBlock s, ModalityTeacher t, NDArray rows,
            NDArray ids, NDArray pairs, boolean training) {
        NDArray chunks = ItemEmbeddingBlock.lookup(t.chunks(), ids) // (B, L, d)
                .reshape(ids.getShape().get(0), ids.getShape().get(1), t.chunkCount(), -1); // (B, L, D, d/D)
        NDArray codes = DissectedCorrelationLoss.codes(chunks, t.centroids()); // (B, L, L)
        return DissectedCorrelationLoss.loss(s.codeLogits(ps, rows, training), codes, pairs);
    }

    /** L_CKD estimated over sampled pairs: (P, d) gathers, teacher codes for those pairs only. */
    private static NDArray sampledDissected(ParameterStore ps, ModalityStudentBlock s, ModalityTeacher t,
            NDArray studentTable, CorrelationPairs sampled, NDManager manager, boolean training) {
        if (sampled.size() == 0) {
            return manager.zeros(new Shape());
        }
        Device device = studentTable.getDevice();
        NDArray left = manager.create(sampled.left()).toDevice(device, false); // (P)
        NDArray right = manager.create(sampled.right()).toDevice(device, false);
        NDArray weights = manager.create(sampled.weights()).toDevice(device, false);
        NDArray codes = DissectedCorrelationLoss.pairCodes(
                ItemEmbeddingBlock.lookup(t.chunks(), left).reshape(sampled.size(), t.chunkCount(), -1), // (P, D, d/D)
                ItemEmbeddingBlock.lookup(t.chunks(), right).reshape(sampled.size(), t.chunkCount(), -1),
                t.centroids()); // (P)
        NDArray logits = s.pairCodeLogits(ps, ItemEmbeddingBlock.lookup(studentTable, left),
                ItemEmbeddingBlock.lookup(studentTable, right), training); // (P, K)
        return DissectedCorrelationLoss.pairLoss(logits, codes, weights);
    }

    /** This step's sampled pairs, the same for every modality (one draw per step keeps runs reproducible). */
    private CorrelationPairs samplePairs(NDArray ids) {
        int b = Math.toIntExact(ids.getShape().get(0));
        int l = Math.toIntExact(ids.getShape().get(1));
        return CorrelationPairs.sample(ids.toLongArray(), b, l, kdsr.dissectedPairs(), pairRandom);
    }

    private NDArray recommendationLoss(NDArray hidden, NDArray table, NDArray targets, NDList inputs) {
        NextItemLoss.Kind kind = loss != null ? loss
                : inputs.size() > 2 ? NextItemLoss.Kind.SAMPLED_SOFTMAX : NextItemLoss.Kind.FULL_SOFTMAX;
        if (kind != NextItemLoss.Kind.FULL_SOFTMAX && inputs.size() < 3) {
            throw new IllegalArgumentException("loss " + kind.id() + " needs the sampled negatives as input 2");
        }
        return switch (kind) {
            case FULL_SOFTMAX -> NextItemLoss.fullSoftmax(hidden, table, targets);
            case SAMPLED_SOFTMAX -> NextItemLoss.sampledSoftmax(hidden, table, targets, inputs.get(2),
                    inputs.size() > 3 ? inputs.get(3) : null);
            case BCE -> NextItemLoss.bce(hidden, table, targets, inputs.get(2));
        };
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(), new Shape(), new Shape(), new Shape()};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.initialize(manager, dataType, inputShapes[0]);
        for (ModalityStudentBlock s : students) {
            s.initialize(manager, dataType, inputShapes[0]);
        }
    }
}
