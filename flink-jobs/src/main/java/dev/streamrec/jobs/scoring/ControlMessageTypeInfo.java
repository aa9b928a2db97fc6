package dev.streamrec.jobs.scoring;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/** Flink's type information for the sealed {@link ControlMessage}: serialized by {@link ControlMessageSerializer}. */
public final class ControlMessageTypeInfo extends TypeInformation<ControlMessage> {

    private static final long serialVersionUID = 1L;

    /** Found through {@code @TypeInfo} on {@link ControlMessage}. */
    public static final class Factory extends TypeInfoFactory<ControlMessage> {
        @Override
        public TypeInformation<ControlMessage> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new ControlMessageTypeInfo();
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<ControlMessage> getTypeClass() {
        return ControlMessage.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ControlMessage> createSerializer(SerializerConfig config) {
        return new ControlMessageSerializer(config);
    }

    @Override
    public String toString() {
        return "ControlMessage";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlMessageTypeInfo;
    }

    @Override
    public int hashCode() {
        return ControlMessageTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ControlMessageTypeInfo;
    }
}
