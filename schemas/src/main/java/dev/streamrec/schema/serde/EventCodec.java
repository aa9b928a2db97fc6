package dev.streamrec.schema.serde;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.InteractionEvent;
import dev.streamrec.schema.event.InteractionType;
import dev.streamrec.schema.event.ItemFeatures;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.event.Prediction;
import dev.streamrec.schema.event.RecommendedItem;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.event.UserDeletionConfirmation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one codec of every topic's JSON (UTF-8) wire format, schema version 1 (the files under
 * {@code schemas/v1/}). Decoding is strict: invalid UTF-8, malformed or trailing JSON, duplicate or
 * unknown fields, missing or wrongly typed fields, unknown interaction types, implausible
 * timestamps and oversized payloads are rejected with a reason instead of an exception.
 *
 * <p>Thread-safe; one instance per operator is enough.
 */
public final class EventCodec {

    /** The wire schema version this codec reads and writes. */
    public static final int SCHEMA_VERSION = 1;

    /** How much of a rejected payload a dead letter keeps (Kafka's message size is bounded). */
    public static final int DEAD_LETTER_RAW_LIMIT = 16 * 1024;

    private static final Set<String> INTERACTION_FIELDS =
            Set.of("eventId", "userId", "itemId", "timestamp", "type", "value");
    private static final Set<String> ITEM_FIELDS = Set.of("itemId", "text", "modalities");
    private static final Set<String> MODEL_UPDATE_FIELDS =
            Set.of("model", "version", "uri", "sha256", "action", "timestamp");
    private static final Set<String> SHARED_COUNTS_FIELDS =
            Set.of("model", "version", "keyGroup", "keyGroups", "full", "counts", "timestamp");
    private static final Set<String> USER_DELETION_FIELDS = Set.of("requestId", "userId", "requestedAt");

    private final ObjectMapper mapper;
    private final ValidationPolicy policy;

    public EventCodec(ValidationPolicy policy) {
        this.policy = policy;
        // Schubfach instead of Java 17's Float.toString for the scores of every prediction: the
        // JDK's was a fifth of the scoring task thread's time (it writes digits that read back as the same float).
        JsonFactory factory = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
        this.mapper =
                new ObjectMapper(factory)
                        .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    public EventCodec() {
        this(ValidationPolicy.defaults());
    }

    public ValidationPolicy policy() {
        return policy;
    }

    // ---------------------------------------------------------------- interactions

    /** Decodes and validates one interaction payload. */
    public DecodeResult<InteractionEvent> decodeInteraction(byte[] payload) {
        DecodeResult<ObjectNode> obj = parseObject(payload, INTERACTION_FIELDS);
        if (!obj.isOk()) {
            return DecodeResult.error(obj.error());
        }
        ObjectNode n = obj.value();
        DecodeResult<String> userId = requiredId(n, "userId");
        if (!userId.isOk()) {
            return DecodeResult.error(userId.error());
        }
        DecodeResult<String> itemId = requiredId(n, "itemId");
        if (!itemId.isOk()) {
            return DecodeResult.error(itemId.error());
        }
        DecodeResult<Long> ts = timestamp(n, "timestamp");
        if (!ts.isOk()) {
            return DecodeResult.error(ts.error());
        }
        long timestamp = ts.value();
        JsonNode typeNode = n.get("type");
        if (typeNode == null || typeNode.isNull()) {
            return DecodeResult.error("missing field 'type'");
        }
        if (!typeNode.isTextual()) {
            return DecodeResult.error("field 'type' must be a string, got " + describe(typeNode));
        }
        InteractionType type = InteractionType.fromWire(typeNode.textValue());
        if (type == null) {
            return DecodeResult.error(
                    "unknown interaction type '" + truncate(typeNode.textValue(), 64)
                            + "' (expected view|click|cart|purchase|rating)");
        }
        Double value = null;
        JsonNode v = n.get("value");
        if (v != null && !v.isNull()) {
            if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                return DecodeResult.error("field 'value' must be a finite number, got " + describe(v));
            }
            value = v.doubleValue();
        }
        String eventId;
        JsonNode e = n.get("eventId");
        if (e == null || e.isNull()) {
            eventId = deriveEventId(userId.value(), itemId.value(), timestamp, type.wireName());
        } else {
            DecodeResult<String> id = requiredId(n, "eventId");
            if (!id.isOk()) {
                return DecodeResult.error(id.error());
            }
            eventId = id.value();
        }
        return DecodeResult.ok(
                new InteractionEvent(eventId, userId.value(), itemId.value(), timestamp, type.wireName(), value));
    }

    /** The id of an event without one: a digest of its content, so replays produce the same id. */
    public static String deriveEventId(String userId, String itemId, long timestamp, String type) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((userId + '\u0000' + itemId + '\u0000' + timestamp + '\u0000' + type)
                    .getBytes(StandardCharsets.UTF_8));
            return "d-" + HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public byte[] encodeInteraction(InteractionEvent e) {
        ObjectNode n = mapper.createObjectNode();
        n.put("eventId", e.eventId);
        n.put("userId", e.userId);
        n.put("itemId", e.itemId);
        n.put("timestamp", e.timestamp);
        n.put("type", e.type);
        if (e.value != null) {
            n.put("value", e.value);
        }
        return write(n);
    }

    // ---------------------------------------------------------------- item features

    public DecodeResult<ItemFeatures> decodeItemFeatures(byte[] payload) {
        DecodeResult<ObjectNode> obj = parseObject(payload, ITEM_FIELDS);
        if (!obj.isOk()) {
            return DecodeResult.error(obj.error());
        }
        ObjectNode n = obj.value();
        DecodeResult<String> itemId = requiredId(n, "itemId");
        if (!itemId.isOk()) {
            return DecodeResult.error(itemId.error());
        }
        String text = null;
        JsonNode t = n.get("text");
        if (t != null && !t.isNull()) {
            if (!t.isTextual()) {
                return DecodeResult.error("field 'text' must be a string, got " + describe(t));
            }
            text = t.textValue();
        }
        Map<String, float[]> modalities = new LinkedHashMap<>();
        JsonNode m = n.get("modalities");
        if (m != null && !m.isNull()) {
            if (!m.isObject()) {
                return DecodeResult.error("field 'modalities' must be an object of name -> number array");
            }
            Iterator<Map.Entry<String, JsonNode>> it = m.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode arr = e.getValue();
                if (!arr.isArray() || arr.isEmpty()) {
                    return DecodeResult.error("modality '" + e.getKey() + "' must be a non-empty number array");
                }
                float[] vec = new float[arr.size()];
                for (int i = 0; i < vec.length; i++) {
                    JsonNode x = arr.get(i);
                    if (!x.isNumber() || !Double.isFinite(x.doubleValue())) {
                        return DecodeResult.error("modality '" + e.getKey() + "' element " + i + " is not a finite number");
                    }
                    vec[i] = x.floatValue();
                }
                modalities.put(e.getKey(), vec);
            }
        }
        return DecodeResult.ok(new ItemFeatures(itemId.value(), text, modalities));
    }

    public byte[] encodeItemFeatures(ItemFeatures f) {
        return writePojo(f);
    }

    // ---------------------------------------------------------------- model updates

    public DecodeResult<ModelUpdate> decodeModelUpdate(byte[] payload) {
        DecodeResult<ObjectNode> obj = parseObject(payload, MODEL_UPDATE_FIELDS);
        if (!obj.isOk()) {
            return DecodeResult.error(obj.error());
        }
        ObjectNode n = obj.value();
        String missing = firstMissingId(n, "model", "version", "action");
        if (missing != null) {
            return DecodeResult.error(missing);
        }
        String action = n.get("action").textValue();
        if (!action.equals("deploy") && !action.equals("rollback")) {
            return DecodeResult.error("field 'action' must be deploy or rollback, got '" + truncate(action, 32) + "'");
        }
        if (action.equals("deploy")) {
            for (String f : new String[] {"uri", "sha256"}) {
                if (n.get(f) == null || !n.get(f).isTextual()) {
                    return DecodeResult.error("a deploy needs string field '" + f + "'");
                }
            }
        }
        JsonNode ts = n.get("timestamp");
        if (ts != null && !ts.isNull() && !ts.isIntegralNumber()) {
            return DecodeResult.error("field 'timestamp' must be an integer (epoch millis)");
        }
        return DecodeResult.ok(
                new ModelUpdate(
                        n.get("model").textValue(),
                        n.get("version").textValue(),
                        n.path("uri").isTextual() ? n.get("uri").textValue() : null,
                        n.path("sha256").isTextual() ? n.get("sha256").textValue() : null,
                        action,
                        ts == null || ts.isNull() ? 0L : ts.longValue()));
    }

    public byte[] encodeModelUpdate(ModelUpdate u) {
        return writePojo(u);
    }

    // ---------------------------------------------------------------- shared counts

    /** Decodes one key group's shared counts; a count must be a non-negative int, the key group below keyGroups. */
    public DecodeResult<SharedCounts> decodeSharedCounts(byte[] payload) {
        DecodeResult<ObjectNode> obj = parseObject(payload, SHARED_COUNTS_FIELDS);
        if (!obj.isOk()) {
            return DecodeResult.error(obj.error());
        }
        ObjectNode n = obj.value();
        String missing = firstMissingId(n, "model", "version");
        if (missing != null) {
            return DecodeResult.error(missing);
        }
        DecodeResult<Integer> keyGroups = nonNegativeInt(n, "keyGroups");
        if (!keyGroups.isOk()) {
            return DecodeResult.error(keyGroups.error());
        }
        DecodeResult<Integer> keyGroup = nonNegativeInt(n, "keyGroup");
        if (!keyGroup.isOk()) {
            return DecodeResult.error(keyGroup.error());
        }
        if (keyGroup.value() >= keyGroups.value()) {
            return DecodeResult.error("field 'keyGroup' must be below keyGroups (" + keyGroups.value() + "), got "
                    + keyGroup.value());
        }
        JsonNode full = n.get("full");
        if (full == null || !full.isBoolean()) {
            return DecodeResult.error("field 'full' must be a boolean");
        }
        JsonNode c = n.get("counts");
        if (c == null || !c.isObject()) {
            return DecodeResult.error("field 'counts' must be an object of item id -> count");
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = c.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (e.getKey().isEmpty() || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
                return DecodeResult.error("count of item '" + truncate(e.getKey(), 64)
                        + "' must be a non-negative integer, got " + describe(v));
            }
            counts.put(e.getKey(), v.intValue());
        }
        JsonNode ts = n.get("timestamp");
        if (ts != null && !ts.isNull() && !ts.isIntegralNumber()) {
            return DecodeResult.error("field 'timestamp' must be an integer (epoch millis)");
        }
        return DecodeResult.ok(new SharedCounts(n.get("model").textValue(), n.get("version").textValue(),
                keyGroup.value(), keyGroups.value(), full.booleanValue(), counts,
                ts == null || ts.isNull() ? 0L : ts.longValue()));
    }

    public byte[] encodeSharedCounts(SharedCounts s) {
        return writePojo(s);
    }

    // ---------------------------------------------------------------- user deletions

    /** Decodes one deletion request: both ids valid, {@code requestedAt} a plausible timestamp like an interaction's. */
    public DecodeResult<UserDeletion> decodeUserDeletion(byte[] payload) {
        DecodeResult<ObjectNode> obj = parseObject(payload, USER_DELETION_FIELDS);
        if (!obj.isOk()) {
            return DecodeResult.error(obj.error());
        }
        ObjectNode n = obj.value();
        String missing = firstMissingId(n, "requestId", "userId");
        if (missing != null) {
            return DecodeResult.error(missing);
        }
        DecodeResult<Long> requestedAt = timestamp(n, "requestedAt");
        if (!requestedAt.isOk()) {
            return DecodeResult.error(requestedAt.error());
        }
        return DecodeResult.ok(new UserDeletion(n.get("requestId").textValue(), n.get("userId").textValue(),
                requestedAt.value()));
    }

    public byte[] encodeUserDeletion(UserDeletion d) {
        return writePojo(d);
    }

    public byte[] encodeUserDeletionConfirmation(UserDeletionConfirmation c) {
        return writePojo(c);
    }

    public UserDeletionConfirmation decodeUserDeletionConfirmation(byte[] payload) {
        return readPojo(payload, UserDeletionConfirmation.class);
    }

    private static DecodeResult<Integer> nonNegativeInt(ObjectNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            return DecodeResult.error("field '" + field + "' must be a non-negative integer"
                    + (v == null ? ", missing" : ", got " + describe(v)));
        }
        return DecodeResult.ok(v.intValue());
    }

    // ---------------------------------------------------------------- outputs

    /**
     * The prediction as JSON (the same bytes as the POJO mapper, which {@code EventCodecTest}
     * checks): one is written per event and model, so the common case is written straight into an
     * array ({@link PredictionJson}, 1.5–1.8 times as fast) and the rest field by field through the
     * generator (about half the cost of the reflective bean serializer).
     */
    public byte[] encodePrediction(Prediction p) {
        byte[] plain = PredictionJson.encode(p);
        return plain != null ? plain : encodePredictionWithGenerator(p);
    }

    /**
     * The prediction's JSON through Jackson's generator, field by field: what {@link PredictionJson}
     * leaves to it, and the reference its output is tested and benchmarked against ({@code bench parts}).
     */
    public byte[] encodePredictionWithGenerator(Prediction p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(p.items == null ? 128 : 128 + 32 * p.items.size());
        try (JsonGenerator g = mapper.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            writeIfPresent(g, "eventId", p.eventId);
            writeIfPresent(g, "userId", p.userId);
            g.writeNumberField("timestamp", p.timestamp);
            writeIfPresent(g, "model", p.model);
            writeIfPresent(g, "modelVersion", p.modelVersion);
            if (p.items != null) {
                g.writeArrayFieldStart("items");
                for (RecommendedItem item : p.items) {
                    g.writeStartObject();
                    writeIfPresent(g, "itemId", item.itemId);
                    g.writeNumberField("score", item.score);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeNumberField("latencyMs", p.latencyMs);
            if (p.processingMs != null) {
                g.writeNumberField("processingMs", p.processingMs);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeIfPresent(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    public Prediction decodePrediction(byte[] payload) {
        return readPojo(payload, Prediction.class);
    }

    public byte[] encodeDeadLetter(DeadLetter d) {
        return writePojo(d);
    }

    public DeadLetter decodeDeadLetter(byte[] payload) {
        return readPojo(payload, DeadLetter.class);
    }

    public byte[] encodeEvalMetrics(EvalMetrics m) {
        return writePojo(m);
    }

    public EvalMetrics decodeEvalMetrics(byte[] payload) {
        return readPojo(payload, EvalMetrics.class);
    }

    /**
     * Builds the dead letter for a rejected payload: UTF-8 text when it is valid UTF-8, else base64;
     * cut to {@link #DEAD_LETTER_RAW_LIMIT} bytes when larger.
     */
    public static DeadLetter deadLetter(
            String reason, byte[] payload, String topic, int partition, long offset, long now) {
        DeadLetter d = new DeadLetter();
        d.reason = reason;
        d.topic = topic;
        d.partition = partition;
        d.offset = offset;
        d.timestamp = now;
        byte[] p = payload == null ? new byte[0] : payload;
        d.rawSize = p.length;
        d.truncated = p.length > DEAD_LETTER_RAW_LIMIT;
        byte[] kept = d.truncated ? java.util.Arrays.copyOf(p, DEAD_LETTER_RAW_LIMIT) : p;
        String text = d.truncated ? null : utf8OrNull(kept);
        if (text != null) {
            d.raw = text;
            d.rawEncoding = "utf8";
        } else {
            d.raw = Base64.getEncoder().encodeToString(kept);
            d.rawEncoding = "base64";
        }
        return d;
    }

    // ---------------------------------------------------------------- helpers

    private DecodeResult<ObjectNode> parseObject(byte[] payload) {
        if (payload == null) {
            return DecodeResult.error("empty payload (null value)");
        }
        if (payload.length > policy.maxPayloadBytes()) {
            return DecodeResult.error(
                    "payload too large: " + payload.length + " bytes > limit " + policy.maxPayloadBytes());
        }
        if (payload.length == 0) {
            return DecodeResult.error("empty payload");
        }
        if (utf8OrNull(payload) == null) {
            return DecodeResult.error("payload is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            return DecodeResult.error("malformed JSON: " + truncate(e.getOriginalMessage(), 200));
        } catch (IOException e) {
            return DecodeResult.error("unreadable payload: " + truncate(e.getMessage(), 200));
        }
        if (node == null || !node.isObject()) {
            return DecodeResult.error("payload must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        return DecodeResult.ok((ObjectNode) node);
    }

    /** The payload as a JSON object all of whose fields are {@code known}, or why it is not. */
    private DecodeResult<ObjectNode> parseObject(byte[] payload, Set<String> known) {
        DecodeResult<ObjectNode> obj = parseObject(payload);
        if (!obj.isOk()) {
            return obj;
        }
        String unknown = firstUnknownField(obj.value(), known);
        return unknown == null ? obj : DecodeResult.error("unknown field '" + unknown + "'");
    }

    /** A required epoch-millis field within the policy's plausible range, or why it is not. */
    private DecodeResult<Long> timestamp(ObjectNode n, String field) {
        JsonNode ts = n.get(field);
        if (ts == null || ts.isNull()) {
            return DecodeResult.error("missing field '" + field + "'");
        }
        if (!ts.isIntegralNumber() || !ts.canConvertToLong()) {
            return DecodeResult.error("field '" + field + "' must be an integer (epoch millis), got " + describe(ts));
        }
        long t = ts.longValue();
        if (t < policy.minTimestampMillis()) {
            return DecodeResult.error("field '" + field + "' out of range: " + t + " is before " + policy.minTimestampMillis());
        }
        if (t > policy.maxTimestampMillis()) {
            return DecodeResult.error("field '" + field + "' out of range: " + t + " is in the far future");
        }
        return DecodeResult.ok(t);
    }

    /** Why the first of {@code fields} that is not a valid id is not, or null when all are. */
    private String firstMissingId(ObjectNode n, String... fields) {
        for (String f : fields) {
            DecodeResult<String> s = requiredId(n, f);
            if (!s.isOk()) {
                return s.error();
            }
        }
        return null;
    }

    private DecodeResult<String> requiredId(ObjectNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return DecodeResult.error("missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            return DecodeResult.error("field '" + field + "' must be a string, got " + describe(v));
        }
        String s = v.textValue();
        if (s.isBlank()) {
            return DecodeResult.error("field '" + field + "' must not be blank");
        }
        if (s.length() > policy.maxIdLength()) {
            return DecodeResult.error("field '" + field + "' longer than " + policy.maxIdLength() + " characters");
        }
        return DecodeResult.ok(s);
    }

    private static String firstUnknownField(ObjectNode n, Set<String> known) {
        Iterator<String> names = n.fieldNames();
        while (names.hasNext()) {
            String f = names.next();
            if (!known.contains(f)) {
                return truncate(f, 64);
            }
        }
        return null;
    }

    private static String describe(JsonNode v) {
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + truncate(v.toString(), 40);
    }

    private static String truncate(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private byte[] write(JsonNode n) {
        try {
            return mapper.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] writePojo(Object o) {
        try {
            return mapper.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T readPojo(byte[] payload, Class<T> type) {
        try {
            return mapper.readValue(payload, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
