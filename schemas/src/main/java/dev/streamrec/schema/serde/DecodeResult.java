package dev.streamrec.schema.serde;

import java.util.Objects;
import java.util.function.Function;

/** Either a decoded value or the reason the payload was rejected (which becomes a dead letter). */
public final class DecodeResult<T> {

    private final T value;
    private final String error;

    private DecodeResult(T value, String error) {
        this.value = value;
        this.error = error;
    }

    public static <T> DecodeResult<T> ok(T value) {
        return new DecodeResult<>(Objects.requireNonNull(value), null);
    }

    public static <T> DecodeResult<T> error(String reason) {
        return new DecodeResult<>(null, Objects.requireNonNull(reason));
    }

    public boolean isOk() {
        return error == null;
    }

    public T value() {
        if (error != null) {
            throw new IllegalStateException("no value: " + error);
        }
        return value;
    }

    public String error() {
        return error;
    }

    /** The value turned by {@code f}, or the same rejection. */
    public <R> DecodeResult<R> map(Function<? super T, ? extends R> f) {
        return error == null ? ok(f.apply(value)) : error(error);
    }
}
