package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

import java.util.Map;

/**
 * The losses of the family. BM3 (§2.3, bootstrap, no negatives):
 * L_rec = [1 − cos(P h_u, sg drop(h_i))] + [1 − cos(P h_i, sg drop(h_u))];
 * per modality, z_m = W_m x_m(i): 1 − cos(P z_m, sg drop(h_i)) + 1 − cos(P z_m, sg drop(z_m));
 * L_reg = (‖h_U‖_F + ‖h_I‖_F) / |I|; L = L_rec + λ L_reg + cl·L_align.
 * LightGCN/MF: BPR −log σ(s_ui − s_uj) + λ (‖e_u‖² + ‖e_i‖² + ‖e_j‖²) / (2B) on layer-0 embeddings.
 */
public final class Bm3Loss {

    private Bm3Loss() {}

    /** 1 − mean over rows of cos(a, b): (B, d), (B, d) -> scalar. */
    public static NDArray cosineLoss(NDArray a, NDArray b) {
        return unit(a).mul(unit(b)).sum(new int[] {1}).mean().neg().add(1f);
    }

    /** Element-wise dropout with 1/(1−p) rescale of a stop-gradient copy: the BM3 target view. */
    public static NDArray targetView(NDArray x, double p) {
        NDArray sg = x.stopGradient();
        if (p == 0) {
            return sg;
        }
        NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape()).gte((float) p).toType(DataType.FLOAT32, false);
        return sg.mul(keep).div((float) (1 - p));
    }

    /** L_reg = (‖h_U‖_F + ‖h_I‖_F) / |I| (MMRec EmbLoss, un-squared norms). */
    public static NDArray embeddingNorm(NDArray hUsers, NDArray hItems) {
        return frobenius(hUsers).add(frobenius(hItems)).div((float) hItems.getShape().get(0));
    }

    /** BPR: mean softplus(−(pos − neg)) = −mean log σ(pos − neg); (B), (B) -> scalar. */
    public static NDArray bpr(NDArray pos, NDArray neg) {
        return Activation.softPlus(neg.sub(pos)).mean();
    }

    /** LightGCN's L2 term: (‖e_u‖² + ‖e_i‖² + ‖e_j‖²) / (2B) over the batch's layer-0 rows. */
    public static NDArray l2(NDArray eu, NDArray ei, NDArray ej) {
        long b = eu.getShape().get(0);
        return eu.square().sum().add(ei.square().sum()).add(ej.square().sum()).div(2f * b);
    }

    /**
     * The full BM3 objective for a batch of positive pairs (user rows, item rows, both (B)).
     * Returns {total, L_rec, L_align, L_reg}.
     */
    public static NDList bm3(Bm3Model model, NDArray users, NDArray items) {
        Bm3Config c = model.config();
        NDList h = model.propagate();
        NDArray hu = h.get(0).get(users); // (B, d)
        NDArray hi = h.get(1).get(items); // (B, d)
        NDArray pu = model.predict(hu);
        NDArray pi = model.predict(hi);
        NDArray targetI = targetView(hi, c.dropout());
        NDArray targetU = targetView(hu, c.dropout());
        NDArray rec = cosineLoss(pu, targetI).add(cosineLoss(pi, targetU));
        NDArray align = null;
        for (Map.Entry<String, NDArray[]> m : model.modalities().entrySet()) {
            NDArray z = model.project(m.getKey(), items); // (B, d)
            NDArray pz = model.predict(z);
            NDArray term = cosineLoss(pz, targetI).add(cosineLoss(pz, targetView(z, c.dropout())));
            align = align == null ? term : align.add(term);
        }
        if (align == null) {
            align = rec.zerosLike();
        }
        NDArray reg = embeddingNorm(h.get(0), h.get(1));
        NDArray total = rec.add(reg.mul((float) c.reg())).add(align.mul((float) c.clWeight()));
        return new NDList(total, rec, align, reg);
    }

    /** LightGCN/MF objective for (user, positive, negative) rows; returns {total, bpr, l2}. */
    public static NDList bprObjective(Bm3Model model, NDArray users, NDArray pos, NDArray neg) {
        NDList h = model.propagate();
        NDArray hu = h.get(0).get(users);
        NDArray sPos = hu.mul(h.get(1).get(pos)).sum(new int[] {1}); // (B)
        NDArray sNeg = hu.mul(h.get(1).get(neg)).sum(new int[] {1});
        NDArray bpr = bpr(sPos, sNeg);
        NDArray l2 = l2(model.userEmbedding().get(users), model.itemEmbedding().get(pos), model.itemEmbedding().get(neg));
        return new NDList(bpr.add(l2.mul((float) model.config().reg())), bpr, l2);
    }

    private static NDArray unit(NDArray x) {
        return x.div(x.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f)); // F.normalize, eps 1e-12
    }

    private static NDArray frobenius(NDArray x) {
        return x.square().sum().sqrt();
    }
}
