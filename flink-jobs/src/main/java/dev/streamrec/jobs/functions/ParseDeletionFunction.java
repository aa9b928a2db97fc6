package dev.streamrec.jobs.functions;

import dev.streamrec.jobs.sources.RawRecord;
import dev.streamrec.schema.event.UserDeletion;
import dev.streamrec.schema.serde.DecodeResult;
import dev.streamrec.schema.serde.EventCodec;
import dev.streamrec.schema.serde.ValidationPolicy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes deletion requests with the strict codec; like interactions, anything invalid becomes a
 * dead letter with its reason ({@link ParseInteractionFunction#DEAD_LETTERS}) instead of failing
 * the job. Counts the requests accepted ({@code deletionsParsed}).
 */
public final class ParseDeletionFunction extends ProcessFunction<RawRecord, UserDeletion> {

    private final ValidationPolicy policy;
    private transient EventCodec codec;
    private transient Counter accepted;

    public ParseDeletionFunction(ValidationPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void open(OpenContext ctx) {
        codec = new EventCodec(policy);
        accepted = getRuntimeContext().getMetricGroup().counter("deletionsParsed");
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<UserDeletion> out) {
        DecodeResult<UserDeletion> d = r.decode(codec::decodeUserDeletion);
        if (d.isOk()) {
            accepted.inc();
            out.collect(d.value());
        } else {
            ctx.output(ParseInteractionFunction.DEAD_LETTERS, r.deadLetter(d.error()));
        }
    }
}
