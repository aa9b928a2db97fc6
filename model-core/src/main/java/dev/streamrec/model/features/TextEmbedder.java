package dev.streamrec.model.features;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Sentence embeddings with all-MiniLM-L6-v2 (384-d), fully offline: langchain4j bundles the ONNX
 * model and its tokenizer in the jar. Vectors are L2-normalised, as in the sentence-transformers
 * pipeline of the model, so cosine similarity is a dot product.
 */
public final class TextEmbedder {

    /** The output dimension of all-MiniLM-L6-v2. */
    public static final int DIM = 384;

    private final EmbeddingModel model;

    public TextEmbedder() {
        this(new AllMiniLmL6V2EmbeddingModel());
    }

    TextEmbedder(EmbeddingModel model) {
        this.model = model;
    }

    /** Embeds texts in order; texts must not be blank. */
    public float[][] embed(List<String> texts) {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String t : texts) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("cannot embed a blank text (item " + segments.size() + " of the batch)");
            }
            segments.add(TextSegment.from(t));
        }
        List<Embedding> out = model.embedAll(segments).content();
        float[][] vectors = new float[out.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = normalised(out.get(i).vector());
        }
        return vectors;
    }

    static float[] normalised(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = norm > 0 ? (float) (v[i] / norm) : 0f;
        }
        return u;
    }
}
