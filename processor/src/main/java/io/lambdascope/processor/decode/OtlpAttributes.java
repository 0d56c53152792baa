package io.lambdascope.processor.decode;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Parsing OTLP requests and reading attribute values as the decoders need them; lenient about types (JSON clients). */
final class OtlpAttributes {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private OtlpAttributes() {}

  /** Parses a record's value as the OTLP request its topic holds. */
  static <T> T parse(byte[] value, Parser<T> parser, String type) throws DecodeException {
    if (value == null || value.length == 0) {
      throw new DecodeException(DecodeException.EMPTY_VALUE, "record has no value");
    }
    try {
      return parser.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new DecodeException(DecodeException.INVALID_PROTOBUF, "not an " + type + ": " + e.getMessage(), e);
    }
  }

  static Map<String, AnyValue> map(List<KeyValue> list) {
    Map<String, AnyValue> map = new HashMap<>(list.size() * 2);
    for (KeyValue kv : list) {
      map.put(kv.getKey(), kv.getValue());
    }
    return map;
  }

  /** Keys the function by faas.name, else service.name, else the Kafka key the collector wrote. */
  static String functionName(Map<String, AnyValue> resource, byte[] key) {
    String name = string(resource.get("faas.name"));
    if (name == null || name.isEmpty()) {
      name = string(resource.get("service.name"));
    }
    if ((name == null || name.isEmpty()) && key != null && key.length > 0) {
      name = new String(key, StandardCharsets.UTF_8);
    }
    return name == null || name.isEmpty() ? null : name;
  }

  static String string(AnyValue v) {
    if (v == null) {
      return null;
    }
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      default -> null;
    };
  }

  /** Integers as the agent sends them; lenient about doubles and numeric strings (JSON clients). */
  static long number(AnyValue v) {
    if (v == null) {
      return -1;
    }
    switch (v.getValueCase()) {
      case INT_VALUE:
        return v.getIntValue();
      case DOUBLE_VALUE:
        return (long) v.getDoubleValue();
      case STRING_VALUE:
        try {
          return (long) Double.parseDouble(v.getStringValue());
        } catch (NumberFormatException e) {
          return -1;
        }
      default:
        return -1;
    }
  }

  static double decimal(AnyValue v) {
    if (v == null) {
      return Double.NaN;
    }
    switch (v.getValueCase()) {
      case INT_VALUE:
        return v.getIntValue();
      case DOUBLE_VALUE:
        return v.getDoubleValue();
      case STRING_VALUE:
        try {
          return Double.parseDouble(v.getStringValue());
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
      default:
        return Double.NaN;
    }
  }

  static Boolean bool(AnyValue v) {
    if (v == null) {
      return null;
    }
    return switch (v.getValueCase()) {
      case BOOL_VALUE -> v.getBoolValue();
      case STRING_VALUE -> Boolean.parseBoolean(v.getStringValue());
      default -> null;
    };
  }

  static String orDefault(String v, String dflt) {
    return v == null || v.isEmpty() ? dflt : v;
  }

  static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  static String hex(ByteString bytes) {
    char[] out = new char[bytes.size() * 2];
    for (int i = 0; i < bytes.size(); i++) {
      int b = bytes.byteAt(i) & 0xff;
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    return new String(out);
  }
}
