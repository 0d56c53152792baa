package io.lambdascope.processor.decode;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;

/** Reading OTLP attribute values as the decoders need them; lenient about types (JSON clients). */
final class OtlpAttributes {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private OtlpAttributes() {}

  /** What a resource says about the function and the environment it describes. */
  record ResourceFacts(String tenant, String account, String region, String name, String arn, String version,
      String instance, long maxMemory) {

    /**
     * The function's identity: the account is {@code cloud.account.id}, else the account in the ARN
     * ({@code cloud.resource_id} of the resource, else {@code spanArn}); the region is {@code
     * cloud.region}, else the ARN's; the name {@code faas.name}, else {@code service.name}.
     */
    FunctionId id(String spanArn) {
      String a = account;
      String r = region;
      if (a == null || r == null) {
        String[] arnParts = arnParts(arn != null ? arn : spanArn);
        if (arnParts != null) {
          a = a == null ? arnParts[4] : a;
          r = r == null ? arnParts[3] : r;
        }
      }
      return new FunctionId(tenant, a, r, name);
    }
  }

  static ResourceFacts resource(List<KeyValue> attributes) {
    String tenant = null;
    String account = null;
    String region = null;
    String faasName = null;
    String serviceName = null;
    String arn = null;
    String version = null;
    String instance = null;
    long maxMemory = -1;
    for (KeyValue kv : attributes) {
      AnyValue v = kv.getValue();
      switch (kv.getKey()) {
        case "lambdascope.tenant" -> tenant = nonEmpty(string(v));
        case "cloud.account.id" -> account = nonEmpty(string(v));
        case "cloud.region" -> region = nonEmpty(string(v));
        case "faas.name" -> faasName = nonEmpty(string(v));
        case "service.name" -> serviceName = nonEmpty(string(v));
        case "cloud.resource_id", "aws.lambda.invoked_arn" -> arn = arn == null ? nonEmpty(string(v)) : arn;
        case "faas.version" -> version = nonEmpty(string(v));
        case "faas.instance" -> instance = nonEmpty(string(v));
        case "faas.max_memory" -> maxMemory = number(v);
        default -> { }
      }
    }
    return new ResourceFacts(tenant, account, region, faasName != null ? faasName : serviceName, arn, version,
        instance, maxMemory);
  }

  /** The parts of a Lambda ARN ({@code arn:aws:lambda:<region>:<account>:function:<name>}), or null. */
  static String[] arnParts(String arn) {
    if (arn == null || !arn.startsWith("arn:")) {
      return null;
    }
    String[] parts = arn.split(":", 7);
    if (parts.length < 6 || parts[3].isEmpty() || parts[4].isEmpty()) {
      return null;
    }
    return parts;
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

  static boolean bool(AnyValue v) {
    if (v == null) {
      return false;
    }
    return switch (v.getValueCase()) {
      case BOOL_VALUE -> v.getBoolValue();
      case STRING_VALUE -> Boolean.parseBoolean(v.getStringValue());
      default -> false;
    };
  }

  static String nonEmpty(String v) {
    return v == null || v.isEmpty() ? null : v;
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

  /**
   * The number after {@code "key":} in a JSON text, or NaN: for the few figures of a platform event
   * the collector may not have copied into attributes (only called when the attribute is missing).
   */
  static double jsonNumber(String json, String key) {
    if (json == null) {
      return Double.NaN;
    }
    int at = json.indexOf("\"" + key + "\"");
    if (at < 0) {
      return Double.NaN;
    }
    int i = json.indexOf(':', at + key.length() + 2);
    if (i < 0) {
      return Double.NaN;
    }
    i++;
    while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
      i++;
    }
    int end = i;
    while (end < json.length() && "+-.0123456789eE".indexOf(json.charAt(end)) >= 0) {
      end++;
    }
    try {
      return end > i ? Double.parseDouble(json.substring(i, end)) : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
