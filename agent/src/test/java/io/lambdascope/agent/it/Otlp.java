package io.lambdascope.agent.it;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small readers for decoded OTLP: attributes as a map of Java values (String, Boolean, Long, Double). */
final class Otlp {
    private Otlp() {
    }

    static Map<String, Object> attributes(List<KeyValue> kvs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            if (out.containsKey(kv.getKey())) {
                throw new AssertionError("duplicate attribute " + kv.getKey());
            }
            out.put(kv.getKey(), value(kv.getValue()));
        }
        return out;
    }

    static Object value(AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE:
                return v.getStringValue();
            case BOOL_VALUE:
                return v.getBoolValue();
            case INT_VALUE:
                return v.getIntValue();
            case DOUBLE_VALUE:
                return v.getDoubleValue();
            default:
                return v.toString();
        }
    }

    static List<Span.Event> events(Span span, String name) {
        List<Span.Event> out = new ArrayList<>();
        for (Span.Event e : span.getEventsList()) {
            if (e.getName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    static String hex(com.google.protobuf.ByteString bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes.toByteArray()) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
