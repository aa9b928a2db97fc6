package dev.streamrec.model.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * The immutable, validated hyper-parameters of a sequence encoder (what the serving artifact needs
 * to rebuild the network): the backbone kind ({@code sasrec} or {@code gru4rec}), the catalogue
 * size, embedding size d, maximum sequence length L, layers, attention heads, dropout and, for
 * SASRec, the position scheme ({@link Positions}: {@code learned} unless given). The artifact
 * records {@code positions} only when it is not the default, so that learned-position artifacts
 * keep their config and old artifacts (without the key) read as learned.
 */
public final class EncoderConfig {

    /** The backbone architectures. */
    public enum Kind {
        SASREC, GRU4REC;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind of(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown backbone '" + id + "' (sasrec or gru4rec)");
        }
    }

    /**
     * How SASRec's attention knows where an item is. {@code LEARNED}: a learned absolute embedding per
     * window position added to the input (the paper's; newest item at L-1, so every position's
     * embedding changes as the window slides). {@code ROTARY}: no input position embedding; each
     * head's query and key are rotated by their position (RoPE, Su et al. 2021), so attention
     * scores depend only on the offset between positions and a key computed once stays valid as
     * the window slides, which is what the key/value cache ({@link SasRecStepper}) needs.
     */
    public enum Positions {
        LEARNED, ROTARY;

        /** The default, and what an artifact without the key was trained with. */
        public static final Positions DEFAULT = LEARNED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Positions of(String id) {
            for (Positions p : values()) {
                if (p.id().equals(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown positions '" + id + "' (learned or rotary)");
        }
    }

    private static final Set<String> KEYS = Set.of("backbone", "numItems", "dim", "maxLen", "layers", "heads", "dropout");
    private static final String POSITIONS = "positions";

    private final Kind kind;
    private final int numItems;
    private final int dim;
    private final int maxLen;
    private final int layers;
    private final int heads;
    private final float dropout;
    private final Positions positions;

    public EncoderConfig(Kind kind, int numItems, int dim, int maxLen, int layers, int heads, float dropout) {
        this(kind, numItems, dim, maxLen, layers, heads, dropout, Positions.DEFAULT);
    }

    public EncoderConfig(Kind kind, int numItems, int dim, int maxLen, int layers, int heads, float dropout,
            Positions positions) {
        require(numItems >= 1, "numItems must be >= 1");
        require(dim >= 1, "dim must be >= 1");
        require(maxLen >= 1, "maxLen must be >= 1");
        require(layers >= 1, "layers must be >= 1");
        require(heads >= 1 && dim % heads == 0, "heads must be >= 1 and divide dim");
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
        require(positions == Positions.DEFAULT || kind == Kind.SASREC, "positions apply to SASRec only");
        require(positions != Positions.ROTARY || (dim / heads) % 2 == 0, "rotary positions need an even head size (dim/heads)");
        this.kind = kind;
        this.numItems = numItems;
        this.dim = dim;
        this.maxLen = maxLen;
        this.layers = layers;
        this.heads = heads;
        this.dropout = dropout;
        this.positions = positions;
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public Kind kind() {
        return kind;
    }

    /** Real items; tables have numItems + 1 rows (row 0 = padding). */
    public int numItems() {
        return numItems;
    }

    public int dim() {
        return dim;
    }

    public int maxLen() {
        return maxLen;
    }

    public int layers() {
        return layers;
    }

    public int heads() {
        return heads;
    }

    public float dropout() {
        return dropout;
    }

    public Positions positions() {
        return positions;
    }

    /** The same config for another catalogue size. */
    public EncoderConfig withNumItems(int n) {
        return new EncoderConfig(kind, n, dim, maxLen, layers, heads, dropout, positions);
    }

    /** Writes the fields into an artifact's {@code hyperParameters} object. */
    public void writeTo(ObjectNode node) {
        node.put("backbone", kind.id());
        node.put("numItems", numItems);
        node.put("dim", dim);
        node.put("maxLen", maxLen);
        node.put("layers", layers);
        node.put("heads", heads);
        node.put("dropout", dropout);
        if (positions != Positions.DEFAULT) {
            node.put(POSITIONS, positions.id());
        }
    }

    /** Reads what {@link #writeTo} wrote; refuses missing or unknown keys ({@code positions} is optional). */
    public static EncoderConfig readFrom(JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k) && !k.equals(POSITIONS)) {
                throw new IllegalArgumentException("unknown encoder hyper-parameter '" + k + "'");
            }
        }
        for (String k : KEYS) {
            if (!node.has(k)) {
                throw new IllegalArgumentException("missing encoder hyper-parameter '" + k + "'");
            }
        }
        return new EncoderConfig(
                Kind.of(node.get("backbone").asText()),
                node.get("numItems").asInt(),
                node.get("dim").asInt(),
                node.get("maxLen").asInt(),
                node.get("layers").asInt(),
                node.get("heads").asInt(),
                (float) node.get("dropout").asDouble(),
                node.has(POSITIONS) ? Positions.of(node.get(POSITIONS).asText()) : Positions.DEFAULT);
    }

    @Override
    public String toString() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        writeTo(n);
        return n.toString();
    }
}
