package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The symmetrically normalised user-item graph of the training interactions (BM3 §2.2 / LightGCN
 * eq. 7): Â_ui = 1 / sqrt((d_u + 1e-7)(d_i + 1e-7)), no self-loops. Because A = [[0, R], [Rᵀ, 0]]
 * a propagation step H^{l+1} = Â H^l splits into h_U ← R̂ h_I and h_I ← R̂ᵀ h_U. Each is a sparse
 * product done as gather + segment sum over the edge list: edges sorted by the destination node,
 * rows gathered and weighted (E, d), an inclusive cumulative sum in float64 (for exactness), and
 * differences at segment boundaries. Cost O(|E| d) instead of the O(|U||I| d) of a dense product,
 * and every op is differentiable, so autograd handles the backward pass.
 */
public final class Bm3Graph implements AutoCloseable {

    private static final double EPS = 1e-7;

    private final NDManager manager;
    private final Side toUsers; // aggregates item rows into users
    private final Side toItems; // aggregates user rows into items

    /** One direction: source row per edge, edge weight, segment bounds per destination. */
    private record Side(NDArray source, NDArray weight, NDArray start, NDArray end) {

        /** (D, d): Σ_{e ∈ seg(dst)} w_e x[source_e]. */
        NDArray aggregate(NDArray x) {
            NDArray msg = x.get(source).mul(weight).toType(DataType.FLOAT64, false); // (E, d)
            NDArray zero = msg.getManager().zeros(new Shape(1, msg.getShape().get(1)), DataType.FLOAT64);
            NDArray cum = zero.concat(msg.cumSum(0), 0);                             // (E + 1, d)
            return cum.get(end).sub(cum.get(start)).toType(DataType.FLOAT32, false);  // (D, d)
        }
    }

    public Bm3Graph(NDManager parent, int[][] train, int items) {
        this.manager = parent.newSubManager();
        int users = train.length;
        double[] itemDegree = new double[items];
        int edges = 0;
        for (int[] row : train) {
            for (int i : row) {
                itemDegree[i]++;
            }
            edges += row.length;
        }
        // edges by user
        int[] itemOf = new int[edges];
        float[] w = new float[edges];
        int[] uStart = new int[users];
        int[] uEnd = new int[users];
        int[] itemStart = new int[items + 1];
        int e = 0;
        for (int u = 0; u < users; u++) {
            uStart[u] = e;
            for (int i : train[u]) {
                itemOf[e] = i;
                w[e++] = weight(train[u].length, itemDegree[i]);
                itemStart[i + 1]++;
            }
            uEnd[u] = e;
        }
        // edges by item (counting sort)
        for (int i = 0; i < items; i++) {
            itemStart[i + 1] += itemStart[i];
        }
        int[] fill = java.util.Arrays.copyOf(itemStart, items);
        int[] userOf = new int[edges];
        float[] wi = new float[edges];
        for (int u = 0; u < users; u++) {
            for (int i : train[u]) {
                int k = fill[i]++;
                userOf[k] = u;
                wi[k] = weight(train[u].length, itemDegree[i]);
            }
        }
        toUsers = side(itemOf, w, uStart, uEnd);
        toItems = side(userOf, wi, java.util.Arrays.copyOf(itemStart, items),
                java.util.Arrays.copyOfRange(itemStart, 1, items + 1));
    }

    /** R̂ h_I: (N, d) -> (U, d). */
    public NDArray toUsers(NDArray itemRows) {
        return toUsers.aggregate(itemRows);
    }

    /** R̂ᵀ h_U: (U, d) -> (N, d). */
    public NDArray toItems(NDArray userRows) {
        return toItems.aggregate(userRows);
    }

    /** Row-major (users × items) dense normalised bi-adjacency (for tests and inspection). */
    public static float[] normalised(int[][] train, int items) {
        double[] itemDegree = new double[items];
        for (int[] row : train) {
            for (int i : row) {
                itemDegree[i]++;
            }
        }
        float[] a = new float[Math.multiplyExact(train.length, items)];
        for (int u = 0; u < train.length; u++) {
            for (int i : train[u]) {
                a[u * items + i] = weight(train[u].length, itemDegree[i]);
            }
        }
        return a;
    }

    private Side side(int[] source, float[] weight, int[] start, int[] end) {
        return new Side(manager.create(source), manager.create(weight, new Shape(weight.length, 1)),
                manager.create(start), manager.create(end));
    }

    private static float weight(double du, double di) {
        return (float) (1.0 / Math.sqrt((du + EPS) * (di + EPS)));
    }

    @Override
    public void close() {
        manager.close();
    }
}
