package dev.streamrec.schema.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.InteractionEvent;
import dev.streamrec.schema.event.ItemFeatures;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.RecommendedItem;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventCodec codec =
            new EventCodec(ValidationPolicy.defaults().withClock(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)));

    private static JsonSchema schema(String name) {
        InputStream in = EventCodecTest.class.getResourceAsStream("/schemas/v1/" + name + ".schema.json");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }

    private static Set<ValidationMessage> validate(String schemaName, byte[] json) throws Exception {
        return schema(schemaName).validate(JSON.readTree(json));
    }

    @Test
    void shouldDecodeAValidInteractionAndDeriveAStableEventId() {
        byte[] p = "{\"userId\":\"u1\",\"itemId\":\"i9\",\"timestamp\":1000,\"type\":\"click\"}".getBytes(StandardCharsets.UTF_8);
        InteractionEvent e = codec.decodeInteraction(p).value();
        assertEquals("u1", e.userId);
        assertEquals("i9", e.itemId);
        assertEquals(1000L, e.timestamp);
        assertEquals("click", e.type);
        assertNull(e.value);
        assertEquals(EventCodec.deriveEventId("u1", "i9", 1000L, "click"), e.eventId);
        assertEquals(e.eventId, codec.decodeInteraction(p).value().eventId);
    }

    @Test
    void shouldKeepAGivenEventIdAndValue() {
        byte[] p = "{\"eventId\":\"e-7\",\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":5,\"type\":\"rating\",\"value\":4.5}"
                .getBytes(StandardCharsets.UTF_8);
        InteractionEvent e = codec.decodeInteraction(p).value();
        assertEquals("e-7", e.eventId);
        assertEquals(4.5, e.value);
    }

    /** Each bad payload is rejected by the codec and, where it is a shape error, by the JSON Schema too. */
    @ParameterizedTest
    @ValueSource(strings = {
        "not json at all",
        "{\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":1,\"type\":\"view\"",
        "[1,2,3]",
        "\"a string\"",
        "{}",
        "{\"itemId\":\"i\",\"timestamp\":1,\"type\":\"view\"}",
        "{\"userId\":\"u\",\"timestamp\":1,\"type\":\"view\"}",
        "{\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"view\"}",
        "{\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":1}",
        "{\"userId\":7,\"itemId\":\"i\",\"timestamp\":1,\"type\":\"view\"}",
        "{\"userId\":\"u\",\"itemId\":[\"i\"],\"timestamp\":1,\"type\":\"view\"}",
        "{\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":\"yesterday\",\"type\":\"view\"}",
        "{\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":1.5,\"type\":\"view\"}",
        "{\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":1,\"type\":\"like\"}",
        "{\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":1,\"type\":\"view\",\"color\":\"red\"}",
        "{\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":-5,\"type\":\"view\"}",
        "{\"userId\":\"\",\"itemId\":\"i\",\"timestamp\":1,\"type\":\"view\"}",
        "{\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":1,\"type\":\"view\",\"value\":\"high\"}",
        "{\"userId\":null,\"itemId\":\"i\",\"timestamp\":1,\"type\":\"view\"}"
    })
    void shouldRejectMalformedInteractions(String payload) throws Exception {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        DecodeResult<InteractionEvent> r = codec.decodeInteraction(p);
        assertFalse(r.isOk(), "accepted " + payload);
        assertFalse(r.error().isBlank());
        JsonNode parsed;
        try {
            parsed = JSON.readTree(p);
        } catch (Exception notJson) {
            return;
        }
        if (parsed != null && !payload.contains("\"userId\":\"\"")) {
            assertFalse(schema("interaction").validate(parsed).isEmpty(), "schema accepted " + payload);
        }
    }

    @Test
    void shouldRejectPolicyViolationsTheSchemaCannotSee() {
        assertTrue(codec.decodeInteraction(
                        ("{\"userId\":\"u\",\"itemId\":\"i\",\"timestamp\":" + (NOW + 3 * 86_400_000L) + ",\"type\":\"view\"}")
                                .getBytes(StandardCharsets.UTF_8))
                .error().contains("future"));
        byte[] big = new byte[1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        assertTrue(codec.decodeInteraction(big).error().contains("too large"));
        byte[] badUtf8 = {'{', '"', 'u', '"', ':', (byte) 0xC3, (byte) 0x28, '}'};
        assertTrue(codec.decodeInteraction(badUtf8).error().contains("UTF-8"));
        assertTrue(codec.decodeInteraction(null).error().contains("empty"));
        assertTrue(codec.decodeInteraction(
                        "{\"userId\":\"u\",\"userId\":\"v\",\"itemId\":\"i\",\"timestamp\":1,\"type\":\"view\"}"
                                .getBytes(StandardCharsets.UTF_8))
                .error().contains("malformed"));
    }

    @Test
    void shouldWriteThePredictionFieldByFieldAsTheBeanMapperWould() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper beans = new com.fasterxml.jackson.databind.ObjectMapper()
                .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
        Prediction full = new Prediction("e-ü\"1", "u1", 1_700_000_000_000L, "sasrec", "v7",
                List.of(new RecommendedItem("i2", 0.1f), new RecommendedItem("i\\3", -3.4028235e38f),
                        new RecommendedItem("i4", 1e-7f)), 12L);
        Prediction sparse = new Prediction(null, "u1", 0L, "m", null, List.of(), 0L);
        Prediction noItems = new Prediction("e", "u", 1L, "m", "v", null, 0L);
        Prediction withProcessing = new Prediction("e", "u", 1L, "m", "v", List.of(new RecommendedItem("i", 1f)), 90L);
        withProcessing.processingMs = 4L;
        for (Prediction p : List.of(full, sparse, noItems, withProcessing)) {
            assertEquals(new String(beans.writeValueAsBytes(p), StandardCharsets.UTF_8),
                    new String(codec.encodePrediction(p), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldWriteEveryPredictionByteForByteAsTheGeneratorDoes() {
        java.util.Random random = new java.util.Random(5);
        String[] odd = {"", "e-ü\"1", "tab\there", "back\\slash", "nul\u0000", "del\u007f", "€", "𝄞 clef",
            "\ud800 lone"};
        float[] oddScores = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE,
            Float.MAX_VALUE, 1e-7f, 123456789f};
        int plain = 0;
        for (int n = 0; n < 2_000; n++) {
            List<RecommendedItem> items = new java.util.ArrayList<>();
            int k = random.nextInt(25);
            for (int i = 0; i < k; i++) {
                String id = random.nextInt(50) == 0 ? odd[random.nextInt(odd.length)]
                        : random.nextInt(30) == 0 ? null : "i" + random.nextInt(100_000);
                float score = random.nextInt(50) == 0 ? oddScores[random.nextInt(oddScores.length)]
                        : Float.intBitsToFloat(random.nextInt() & 0x7fffffff) % 100f - random.nextFloat() * 50f;
                items.add(new RecommendedItem(id, score));
            }
            Prediction p = new Prediction(
                    random.nextInt(10) == 0 ? null : random.nextInt(40) == 0 ? odd[random.nextInt(odd.length)]
                            : "d-" + Long.toHexString(random.nextLong()),
                    random.nextInt(10) == 0 ? null : "u" + random.nextInt(1000),
                    random.nextLong() >>> random.nextInt(64) * (random.nextBoolean() ? 1 : -1),
                    random.nextInt(20) == 0 ? null : "sasrec",
                    random.nextInt(5) == 0 ? null : "v" + random.nextInt(9),
                    random.nextInt(20) == 0 ? null : items,
                    random.nextInt(1000));
            if (random.nextBoolean()) {
                p.processingMs = (long) random.nextInt(1000);
            }
            if (PredictionJson.encode(p) != null) {
                plain++;
            }
            assertEquals(new String(codec.encodePredictionWithGenerator(p), StandardCharsets.UTF_8),
                    new String(codec.encodePrediction(p), StandardCharsets.UTF_8));
        }
        assertTrue(plain > 1_000, "most predictions take the direct path: " + plain);
    }

    @Test
    void shouldWriteEveryScoreSoItReadsBackAsTheSameFloat() {
        java.util.Random random = new java.util.Random(11);
        List<RecommendedItem> items = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            items.add(new RecommendedItem("i" + i, Float.isFinite(f) ? f : random.nextFloat() - 0.5f));
        }
        items.add(new RecommendedItem("min", Float.MIN_VALUE));
        items.add(new RecommendedItem("max", Float.MAX_VALUE));
        items.add(new RecommendedItem("zero", -0.0f));
        Prediction decoded = codec.decodePrediction(
                codec.encodePrediction(new Prediction("e", "u", 1L, "m", "v", items, 0L)));
        for (int i = 0; i < items.size(); i++) {
            assertEquals(Float.floatToIntBits(items.get(i).score), Float.floatToIntBits(decoded.items.get(i).score),
                    items.get(i).itemId);
        }
    }

    @Test
    void shouldEncodeEveryOutputSoItValidatesAgainstItsSchema() throws Exception {
        InteractionEvent e = new InteractionEvent("e1", "u1", "i1", 10L, "view", 1.0);
        assertEquals(Set.of(), validate("interaction", codec.encodeInteraction(e)));

        Prediction p = new Prediction("e1", "u1", 10L, "popularity", "v1",
                List.of(new RecommendedItem("i2", 0.5f), new RecommendedItem("i3", 0.25f)), 3L);
        byte[] pb = codec.encodePrediction(p);
        assertEquals(Set.of(), validate("prediction", pb));
        assertEquals("i3", codec.decodePrediction(pb).items.get(1).itemId);
        assertNull(codec.decodePrediction(pb).processingMs, "predictions without the optional field still read");
        p.processingMs = 2L;
        byte[] withProcessing = codec.encodePrediction(p);
        assertEquals(Set.of(), validate("prediction", withProcessing));
        assertEquals(2L, codec.decodePrediction(withProcessing).processingMs);

        DeadLetter d = EventCodec.deadLetter("bad", new byte[] {(byte) 0xff, 1}, "interactions", 0, 42L, NOW);
        assertEquals("base64", d.rawEncoding);
        assertEquals(Set.of(), validate("dead-letter", codec.encodeDeadLetter(d)));

        EvalMetrics m = new EvalMetrics();
        m.model = "popularity";
        m.modelVersion = "v1";
        m.scope = "running";
        m.count = 3;
        m.metrics = Map.of("HR@10", 0.5, "NDCG@10", 0.25);
        assertEquals(Set.of(), validate("eval-metrics", codec.encodeEvalMetrics(m)));
        m.scope = "after-cut";
        assertEquals(Set.of(), validate("eval-metrics", codec.encodeEvalMetrics(m)));

        ModelUpdate u = new ModelUpdate("sasrec", "v2", "file:///tmp/a", "a".repeat(64), "deploy", NOW);
        byte[] ub = codec.encodeModelUpdate(u);
        assertEquals(Set.of(), validate("model-update", ub));
        assertEquals("v2", codec.decodeModelUpdate(ub).value().version);

        ItemFeatures f = new ItemFeatures("i1", "Toy Story", Map.of("title", new float[] {0.5f, -1f}));
        byte[] fb = codec.encodeItemFeatures(f);
        assertEquals(Set.of(), validate("item-features", fb));
        assertArrayEquals(new float[] {0.5f, -1f}, codec.decodeItemFeatures(fb).value().modalities.get("title"));

        SharedCounts c = new SharedCounts("bm3", "v1", 17, 128, true, Map.of("i1", 3, "i2", 0), NOW);
        byte[] cb = codec.encodeSharedCounts(c);
        assertEquals(Set.of(), validate("shared-counts", cb));
        SharedCounts back = codec.decodeSharedCounts(cb).value();
        assertEquals(17, back.keyGroup);
        assertEquals(128, back.keyGroups);
        assertTrue(back.full);
        assertEquals(Map.of("i1", 3, "i2", 0), back.counts);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"version\":\"v\",\"keyGroup\":1,\"keyGroups\":128,\"full\":true,\"counts\":{}}",
        "{\"model\":\"m\",\"version\":\"v\",\"keyGroup\":128,\"keyGroups\":128,\"full\":true,\"counts\":{}}",
        "{\"model\":\"m\",\"version\":\"v\",\"keyGroup\":-1,\"keyGroups\":128,\"full\":true,\"counts\":{}}",
        "{\"model\":\"m\",\"version\":\"v\",\"keyGroup\":1,\"keyGroups\":128,\"full\":\"yes\",\"counts\":{}}",
        "{\"model\":\"m\",\"version\":\"v\",\"keyGroup\":1,\"keyGroups\":128,\"full\":false,\"counts\":{\"i\":-2}}",
        "{\"model\":\"m\",\"version\":\"v\",\"keyGroup\":1,\"keyGroups\":128,\"full\":false,\"counts\":{\"i\":1.5}}",
        "{\"model\":\"m\",\"version\":\"v\",\"keyGroup\":1,\"keyGroups\":128,\"full\":false,\"counts\":[1]}",
        "{\"model\":\"m\",\"version\":\"v\",\"keyGroup\":1,\"keyGroups\":128,\"full\":false,\"counts\":{},\"extra\":1}"
    })
    void shouldRejectBadSharedCounts(String payload) throws Exception {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        assertFalse(codec.decodeSharedCounts(bytes).isOk(), payload);
        JsonNode parsed = JSON.readTree(bytes);
        boolean belowKeyGroups = parsed.path("keyGroup").asInt() < parsed.path("keyGroups").asInt();
        if (belowKeyGroups) { // the schema cannot compare two fields
            assertFalse(schema("shared-counts").validate(parsed).isEmpty(), "schema accepted " + payload);
        }
    }

    @Test
    void shouldReadADeletionRequestAndWriteItsConfirmationAsTheirSchemasSay() throws Exception {
        UserDeletion d = new UserDeletion("req-1", "u1", NOW - 5);
        byte[] db = codec.encodeUserDeletion(d);
        assertEquals(Set.of(), validate("user-deletion", db));
        UserDeletion back = codec.decodeUserDeletion(db).value();
        assertEquals("req-1", back.requestId);
        assertEquals("u1", back.userId);
        assertEquals(NOW - 5, back.requestedAt);

        UserDeletionConfirmation c = UserDeletionConfirmation.of(back);
        assertEquals(Set.of(), validate("user-deletion-confirmed", codec.encodeUserDeletionConfirmation(c)),
                "nothing dropped is a valid confirmation too");
        c.sequenceEvents = 7;
        c.modelStates = List.of("bm3");
        c.countsWithdrawn = Map.of("bm3", 12);
        c.pendingEvaluations = 2;
        c.confirmedAt = NOW;
        byte[] cb = codec.encodeUserDeletionConfirmation(c);
        assertEquals(Set.of(), validate("user-deletion-confirmed", cb));
        UserDeletionConfirmation read = codec.decodeUserDeletionConfirmation(cb);
        assertEquals("req-1", read.requestId);
        assertEquals(7, read.sequenceEvents);
        assertEquals(List.of("bm3"), read.modelStates);
        assertEquals(Map.of("bm3", 12), read.countsWithdrawn);
        assertEquals(2, read.pendingEvaluations);
    }

    /** Each bad request is rejected by the codec and, where it is a shape error, by the JSON Schema too. */
    @ParameterizedTest
    @ValueSource(strings = {
        "not json",
        "[\"u1\"]",
        "{\"userId\":\"u1\",\"requestedAt\":1000}",
        "{\"requestId\":\"r\",\"requestedAt\":1000}",
        "{\"requestId\":\"r\",\"userId\":\"u1\"}",
        "{\"requestId\":\"r\",\"userId\":\"  \",\"requestedAt\":1000}",
        "{\"requestId\":\"r\",\"userId\":7,\"requestedAt\":1000}",
        "{\"requestId\":\"r\",\"userId\":\"u1\",\"requestedAt\":\"yesterday\"}",
        "{\"requestId\":\"r\",\"userId\":\"u1\",\"requestedAt\":1.5}",
        "{\"requestId\":\"r\",\"userId\":\"u1\",\"requestedAt\":-1}",
        "{\"requestId\":\"r\",\"userId\":\"u1\",\"requestedAt\":1000,\"reason\":\"gdpr\"}",
        "{\"requestId\":\"r\",\"requestId\":\"s\",\"userId\":\"u1\",\"requestedAt\":1000}"
    })
    void shouldRejectBadDeletionRequests(String payload) throws Exception {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        DecodeResult<UserDeletion> d = codec.decodeUserDeletion(bytes);
        assertFalse(d.isOk(), payload);
        assertFalse(d.error().isBlank());
        JsonNode parsed;
        try {
            parsed = JSON.readTree(bytes);
        } catch (Exception notJson) {
            return;
        }
        if (!payload.contains("\"requestId\":\"s\"")) { // a tree has no duplicate fields to show the schema
            assertFalse(schema("user-deletion").validate(parsed).isEmpty(), "schema accepted " + payload);
        }
    }

    @Test
    void shouldRejectADeletionRequestedInTheFarFuture() {
        byte[] p = ("{\"requestId\":\"r\",\"userId\":\"u1\",\"requestedAt\":" + (NOW + 7L * 86_400_000L) + "}")
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(codec.decodeUserDeletion(p).error().contains("far future"));
    }

    @Test
    void shouldCutOversizedDeadLettersButKeepTheirSize() {
        byte[] big = new byte[1024 * 1024];
        DeadLetter d = EventCodec.deadLetter("too large", big, "interactions", 1, 2L, NOW);
        assertTrue(d.truncated);
        assertEquals(1024 * 1024, d.rawSize);
        assertEquals("base64", d.rawEncoding);
        assertTrue(d.raw.length() < 32 * 1024);
    }

    @Test
    void shouldRejectBadModelUpdatesAndItemFeatures() {
        assertFalse(codec.decodeModelUpdate("{\"model\":\"m\",\"version\":\"v\",\"action\":\"deploy\"}"
                .getBytes(StandardCharsets.UTF_8)).isOk());
        assertTrue(codec.decodeModelUpdate("{\"model\":\"m\",\"version\":\"v\",\"action\":\"rollback\"}"
                .getBytes(StandardCharsets.UTF_8)).isOk());
        assertFalse(codec.decodeItemFeatures("{\"itemId\":\"i\",\"modalities\":{\"t\":[1,\"x\"]}}"
                .getBytes(StandardCharsets.UTF_8)).isOk());
    }
}
