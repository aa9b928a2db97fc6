package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.streamrec.model.train.Scalars;

/**
 * The loss terms of BM3 (Zhou et al., WWW'23, arXiv 2207.05969; src/models/bm3.py) and BPR, as
 * pure tensor functions. With C(a, b) = 1 − cos(a, b) averaged over the batch:
 * reconstruction C(P h_u, sg ḣ_i) + C(P h_i, sg ḣ_u) (paper Eq. L_rec), inter-modal alignment
 * C(P z_m, sg ḣ_i) (L_align), intra-modal masking C(P z_m, sg ż_m) (L_mask), where ḣ is a dropout
 * view; the regulariser is the code's EmbLoss, (‖h_U‖_F + ‖h_I‖_F) / |I| with un-squared norms.
 */
public final class Bm3Loss {

    /** Clamp of each norm in the cosine (torch.nn.functional.cosine_similarity eps). */
    public static final float COSINE_EPS = 1e-8f;

    private Bm3Loss() {}

    /** 1 − mean_b cos(online_b, target_b); online and target (B, d); the target is detached here. */
    public static NDArray negativeCosine(NDArray online, NDArray target) {
        NDArray t = target.stopGradient();
        NDArray dot = online.mul(t).sum(new int[] {1}); // (B)
        NDArray norms = Scalars.maximum(online.norm(new int[] {1}), COSINE_EPS).mul(Scalars.maximum(t.norm(new int[] {1}), COSINE_EPS));
        return dot.div(norms).mean().neg().add(1f);
    }

    /** L_rec = C(P h_u, sg ḣ_i) + C(P h_i, sg ḣ_u); all (B, d). */
    public static NDArray reconstruction(NDArray userOnline, NDArray itemOnline, NDArray userTarget, NDArray itemTarget) {
        return negativeCosine(userOnline, itemTarget).add(negativeCosine(itemOnline, userTarget));
    }

    /** Inter-modal alignment C(P z_m, sg ḣ_i) of one modality; (B, d). */
    public static NDArray alignment(NDArray modalityOnline, NDArray itemTarget) {
        return negativeCosine(modalityOnline, itemTarget);
    }

    /** Intra-modal masking C(P z_m, sg ż_m) of one modality; (B, d). */
    public static NDArray masking(NDArray modalityOnline, NDArray modalityTarget) {
        return negativeCosine(modalityOnline, modalityTarget);
    }

    /** (‖h_U‖_F + ‖h_I‖_F) / numItems over the full propagated matrices (U, d) and (N, d). */
    public static NDArray regulariser(NDArray users, NDArray items, int numItems) {
        return Scalars.div(frobenius(users).add(frobenius(items)), (float) numItems);
    }

    /** Un-squared Frobenius norm, sqrt(Σ x²). */
    public static NDArray frobenius(NDArray x) {
        return x.square().sum().sqrt();
    }

    /** BPR: mean_b softplus(s_neg − s_pos) = −mean log σ(s_pos − s_neg); scores (B). */
    public static NDArray bpr(NDArray positive, NDArray negative) {
        return Activation.softPlus(negative.sub(positive)).mean();
    }
}
