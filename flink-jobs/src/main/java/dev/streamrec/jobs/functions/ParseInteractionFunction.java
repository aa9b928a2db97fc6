package dev.streamrec.jobs.functions;

import dev.streamrec.jobs.sources.RawRecord;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.InteractionEvent;
import dev.streamrec.schema.serde.DecodeResult;
import dev.streamrec.schema.serde.EventCodec;
import dev.streamrec.schema.serde.ValidationPolicy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates raw interaction records with the strict {@link EventCodec}. Valid events go
 * on; anything else (including a codec bug) becomes a {@link DeadLetter} on the side output with
 * its reason: this function never fails the job.
 */
public final class ParseInteractionFunction extends ProcessFunction<RawRecord, InteractionEvent> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final ValidationPolicy policy;
    private transient EventCodec codec;
    private transient Counter accepted;
    private transient Counter rejected;

    public ParseInteractionFunction(ValidationPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void open(OpenContext ctx) {
        codec = new EventCodec(policy);
        accepted = getRuntimeContext().getMetricGroup().counter("eventsParsed");
        rejected = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<InteractionEvent> out) {
        DecodeResult<InteractionEvent> d = r.decode(codec::decodeInteraction);
        if (d.isOk()) {
            InteractionEvent e = d.value();
            e.ingestTimeMillis = r.timestamp;
            e.readAtMillis = r.readAtMillis;
            accepted.inc();
            out.collect(e);
        } else {
            rejected.inc();
            ctx.output(DEAD_LETTERS, r.deadLetter(d.error()));
        }
    }
}
