package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;


/**
 * The bipartite user-item training graph of LightGCN/BM3 as an edge list. Nodes are users
 * 0..U-1 followed by item rows U..U+N (item index i is node U+i; row 0 is the isolated padding
 * item). {@link #normalisedAdjacency} builds Â = D^-1/2 A D^-1/2 for A = [[0, R], [Rᵀ, 0]]
 * without self-loops (BM3 code, get_norm_adj_mat; degree + 1e-7) as a sparse COO matrix with 2|E|
 * entries, so memory is linear in the number of interactions.
 */
public final class InteractionGraph {

    private final int numUsers;
    private final int numItemRows;
    private final int[] edgeUser;
    private final int[] edgeItem;
    private final int[] userDegree;
    private final int[] itemDegree;

    /**
     * @param numUsers U
     * @param numItemRows N + 1 (including the padding row 0)
     * @param userItems the training items (indices 1..N) of each user
     */
    public InteractionGraph(int numUsers, int numItemRows, int[][] userItems) {
        this.numUsers = numUsers;
        this.numItemRows = numItemRows;
        int e = 0;
        for (int[] items : userItems) {
            e += items.length;
        }
        edgeUser = new int[e];
        edgeItem = new int[e];
        userDegree = new int[numUsers];
        itemDegree = new int[numItemRows];
        int k = 0;
        for (int u = 0; u < userItems.length; u++) {
            for (int i : userItems[u]) {
                edgeUser[k] = u;
                edgeItem[k++] = i;
                userDegree[u]++;
                itemDegree[i]++;
            }
        }
    }

    public int numUsers() {
        return numUsers;
    }

    public int numItemRows() {
        return numItemRows;
    }

    public int numNodes() {
        return numUsers + numItemRows;
    }

    public int numEdges() {
        return edgeUser.length;
    }

    public int[] userDegree() {
        return userDegree;
    }

    public int[] itemDegree() {
        return itemDegree;
    }

    /** The normalised weight 1/sqrt(d_u d_i) of an edge (degrees + 1e-7 as in the paper code). */
    public static float edgeWeight(int userDegree, int itemDegree) {
        return (float) (1.0 / (Math.sqrt(userDegree + 1e-7) * Math.sqrt(itemDegree + 1e-7)));
    }

    /** Â as a sparse COO tensor of shape (U+N+1, U+N+1) with both directions of every edge. */
    public NDArray normalisedAdjacency(NDManager manager) {
        int e = edgeUser.length;
        long[][] idx = new long[2][2 * e];
        float[] values = new float[2 * e];
        for (int k = 0; k < e; k++) {
            int u = edgeUser[k];
            int i = edgeItem[k];
            float w = edgeWeight(userDegree[u], itemDegree[i]);
            idx[0][k] = u;
            idx[1][k] = numUsers + i;
            idx[0][e + k] = numUsers + i;
            idx[1][e + k] = u;
            values[k] = w;
            values[e + k] = w;
        }
        // Not NDManager.createCoo: in DJL 0.36 it closes the index/value arrays whose (Java-owned)
        // buffers the sparse tensor still points to, which crashed in s_addmm_out_sparse_dense.
        // Here both are cloned into torch-owned memory and stay attached to the manager.
        NDArray indices = manager.create(idx).duplicate(); // (2, 2E) int64
        NDArray weights = manager.create(values).duplicate(); // (2E)
        return JniUtils.createSparseCoo((PtNDArray) indices, (PtNDArray) weights, new Shape(numNodes(), numNodes()));
    }
}
