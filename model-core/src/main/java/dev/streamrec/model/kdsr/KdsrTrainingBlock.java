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

/**
 * The training graph of a KDSR-trained (or, with no modality, a plain) sequence encoder:
 * L = L_RS + λ1·Σ_m L_SKD(m) + λ2·Σ_m L_CKD(m) (models.md §7). The backbone sees the item table
 * E_id + Σ_m W_m e_a^m; after training this table is materialised into the backbone's own ID table,
 * so the exported {@link SequenceModelBlock} scores with ID embeddings only and the modality
 * tables, teachers, projections and classifiers stay out of the artifact.
 *
 * <p>Inputs: ids (B, L), targets (B, L) (0 = not counted), optionally sampled negatives (S).
 * Output: [total, recommendation, holistic, dissected] scalars.
 */
public final class KdsrTrainingBlock extends AbstractBlock {

    private final SequenceModelBlock backbone;
    private final List<ModalityStudentBlock> students = new ArrayList<>();
    private final List<ModalityTeacher> teachers;
    private final KdsrConfig kdsr;

    public KdsrTrainingBlock(SequenceModelBlock backbone, List<ModalityTeacher> teachers, KdsrConfig kdsr) {
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
        NDArray rec = inputs.size() > 2
                ? NextItemLoss.sampledSoftmax(hidden, table, targets, inputs.get(2))
                : NextItemLoss.fullSoftmax(hidden, table, targets);
        NDArray holistic = ids.getManager().zeros(new Shape());
        NDArray dissected = ids.getManager().zeros(new Shape());
        if (!students.isEmpty() && (kdsr.lambda1() > 0 || kdsr.lambda2() > 0)) {
            NDArray pairs = HolisticCorrelationLoss.pairMask(ids.neq(0).toType(DataType.FLOAT32, false)); // (B, L, L)
            for (int m = 0; m < students.size(); m++) {
                ModalityStudentBlock s = students.get(m);
                ModalityTeacher t = teachers.get(m);
                NDArray rows = ItemEmbeddingBlock.lookup(s.table(ps, device, training), ids); // (B, L, d)
                if (kdsr.lambda1() > 0) {
                    NDArray teacherCos = HolisticCorrelationLoss.cosineMatrix(ItemEmbeddingBlock.lookup(t.features(), ids));
                    NDArray studentCos = HolisticCorrelationLoss.cosineMatrix(s.correlationView(ps, rows, training));
                    holistic = holistic.add(HolisticCorrelationLoss.of(
                            kdsr.holistic(), studentCos, teacherCos, pairs, (float) kdsr.tau()));
                }
                if (kdsr.lambda2() > 0) {
                    NDArray chunks = ItemEmbeddingBlock.lookup(t.chunks(), ids) // (B, L, d)
                            .reshape(ids.getShape().get(0), ids.getShape().get(1), t.chunkCount(), -1); // (B, L, D, d/D)
                    NDArray codes = DissectedCorrelationLoss.codes(chunks, t.centroids()); // (B, L, L)
                    dissected = dissected.add(DissectedCorrelationLoss.loss(s.codeLogits(ps, rows, training), codes, pairs));
                }
            }
        }
        NDArray total = rec.add(Scalars.mul(holistic, (float) kdsr.lambda1())).add(Scalars.mul(dissected, (float) kdsr.lambda2()));
        return new NDList(total, rec, holistic, dissected);
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
