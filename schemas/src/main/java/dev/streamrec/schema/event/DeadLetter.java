package dev.streamrec.schema.event;

/**
 * Input the job rejected (schema {@code dead-letter} v1): why, the payload as received (UTF-8 text,
 * or base64 when it was not valid UTF-8; cut to a bound when oversized, with its full size kept),
 * and where it came from.
 */
public class DeadLetter {
    public String reason;
    public String raw;
    /** {@code utf8} or {@code base64}. */
    public String rawEncoding;
    /** Size of the payload as received, in bytes. */
    public int rawSize;
    /** True when {@code raw} holds only a prefix of the payload. */
    public boolean truncated;
    public String topic;
    public int partition;
    public long offset;
    /** When the job rejected it (epoch ms). */
    public long timestamp;

    public DeadLetter() {}
}
