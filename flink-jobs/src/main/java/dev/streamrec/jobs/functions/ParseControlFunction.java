package dev.streamrec.jobs.functions;

import dev.streamrec.jobs.scoring.ArtifactAllowList;
import dev.streamrec.jobs.scoring.ControlMessage;
import dev.streamrec.jobs.sources.RawRecord;
import dev.streamrec.schema.event.ModelUpdate;
import dev.streamrec.schema.serde.DecodeResult;
import dev.streamrec.schema.serde.EventCodec;
import dev.streamrec.schema.serde.ValidationPolicy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.util.Optional;

/**
 * Decodes the control topics (item features, model updates, shared counts) with the strict codec; like
 * interactions, anything invalid becomes a dead letter with its reason instead of failing the job, and
 * so does a model update whose artifact lies outside the allowed locations ({@link ArtifactAllowList}),
 * which therefore never reaches the scoring operator.
 */
public final class ParseControlFunction extends ProcessFunction<RawRecord, ControlMessage> {

    private final String itemFeaturesTopic;
    private final String sharedCountsTopic;
    private final ValidationPolicy policy;
    private final ArtifactAllowList allowedArtifacts;
    private transient EventCodec codec;

    /** Records from {@code itemFeaturesTopic} are item features, from {@code sharedCountsTopic} shared counts, the rest model updates. */
    public ParseControlFunction(String itemFeaturesTopic, String sharedCountsTopic, ValidationPolicy policy,
            ArtifactAllowList allowedArtifacts) {
        this.itemFeaturesTopic = itemFeaturesTopic;
        this.sharedCountsTopic = sharedCountsTopic;
        this.policy = policy;
        this.allowedArtifacts = allowedArtifacts;
    }

    @Override
    public void open(OpenContext ctx) {
        // Feature vectors are larger than interactions: allow 16x the interaction payload bound.
        codec = new EventCodec(policy.withMaxPayloadBytes(policy.maxPayloadBytes() * 16));
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<ControlMessage> out) {
        DecodeResult<ControlMessage> d = r.decode(value -> decode(r));
        if (d.isOk()) {
            out.collect(d.value().from(r.topic, r.partition, r.offset));
        } else {
            ctx.output(ParseInteractionFunction.DEAD_LETTERS, r.deadLetter(d.error()));
        }
    }

    private DecodeResult<ControlMessage> decode(RawRecord r) {
        if (r.topic.equals(itemFeaturesTopic)) {
            return codec.decodeItemFeatures(r.value).map(ControlMessage::of);
        }
        if (r.topic.equals(sharedCountsTopic)) {
            return codec.decodeSharedCounts(r.value).map(ControlMessage::of);
        }
        DecodeResult<ModelUpdate> update = codec.decodeModelUpdate(r.value);
        if (update.isOk() && !"rollback".equals(update.value().action)) { // a rollback names a version served before
            Optional<String> refusal = allowedArtifacts.refusal(update.value().uri);
            if (refusal.isPresent()) {
                return DecodeResult.error(refusal.get());
            }
        }
        return update.map(ControlMessage::of);
    }
}
