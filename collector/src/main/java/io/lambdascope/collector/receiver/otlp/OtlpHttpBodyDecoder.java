package io.lambdascope.collector.receiver.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import com.google.protobuf.util.JsonFormat;
import io.lambdascope.collector.admission.Rejection;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * Decodes the body of an OTLP/HTTP request, OTLP protobuf or OTLP JSON, into its Export*ServiceRequest,
 * within limits.
 *
 * <p>Both paths first count the messages the body would create and refuse it past {@code
 * maxMessages}: a small body of millions of tiny attributes would otherwise become a heap of
 * objects many times its size.
 */
public final class OtlpHttpBodyDecoder {
  /** OTLP JSON writes these bytes fields as hex, not base64 as proto3 JSON would. */
  private static final Set<String> HEX_ID_FIELDS =
      Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");
  static final int MAX_JSON_DEPTH = 64;
  private static final int MAX_PROTO_DEPTH = 100;

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build())
      .build();
  private static final JsonFormat.Parser JSON_FORMAT = JsonFormat.parser().ignoringUnknownFields();

  private OtlpHttpBodyDecoder() {}

  public static Message decodeProtobuf(Message prototype, byte[] body, long maxMessages) throws Rejection {
    try {
      countMessages(CodedInputStream.newInstance(body), prototype.getDescriptorForType(), new long[] {maxMessages}, 0);
      CodedInputStream in = CodedInputStream.newInstance(body);
      in.setRecursionLimit(MAX_PROTO_DEPTH);
      return prototype.getParserForType().parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw Rejection.badRequest("invalid protobuf: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      throw Rejection.badRequest("invalid protobuf: " + e.getClass().getSimpleName());
    }
  }

  /** Walks the wire format guided by the schema, counting sub-messages without creating any. */
  private static void countMessages(CodedInputStream in, Descriptor type, long[] budget, int depth)
      throws IOException, Rejection {
    if (depth > MAX_PROTO_DEPTH) {
      throw Rejection.badRequest("invalid protobuf: nested deeper than " + MAX_PROTO_DEPTH);
    }
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return;
      }
      FieldDescriptor field = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
      if (field != null
          && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        if (--budget[0] < 0) {
          throw new Rejection(Rejection.Reason.TOO_LARGE, "request holds too many messages (attributes, spans, ...)");
        }
        int length = in.readRawVarint32();
        int old = in.pushLimit(length);
        countMessages(in, field.getMessageType(), budget, depth + 1);
        in.popLimit(old);
      } else if (!in.skipField(tag)) {
        return;
      }
    }
  }

  public static Message decodeJson(Message prototype, byte[] body, long maxMessages) throws Rejection {
    String protoJson = hexIdsToBase64(body, maxMessages);
    Message.Builder builder = prototype.newBuilderForType();
    try {
      JSON_FORMAT.merge(protoJson, builder);
    } catch (InvalidProtocolBufferException e) {
      throw Rejection.badRequest("invalid OTLP JSON: " + e.getMessage());
    } catch (RuntimeException e) {
      throw Rejection.badRequest("invalid OTLP JSON: " + e.getClass().getSimpleName());
    }
    return builder.build();
  }

  /** One streaming pass: checks depth and size, and rewrites hex ids into proto3 JSON's base64. */
  static String hexIdsToBase64(byte[] body, long maxMessages) throws Rejection {
    StringWriter out = new StringWriter(body.length + 64);
    long containers = 0;
    try (JsonParser p = JSON.createParser(body);
        JsonGenerator g = JSON.createGenerator(out)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw Rejection.badRequest("invalid OTLP JSON: expected an object");
      }
      g.copyCurrentEvent(p);
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          if (++containers > maxMessages) {
            throw new Rejection(Rejection.Reason.TOO_LARGE, "request holds too many messages (attributes, spans, ...)");
          }
        }
        if (t == JsonToken.FIELD_NAME && HEX_ID_FIELDS.contains(p.currentName())) {
          g.writeFieldName(p.currentName());
          JsonToken v = p.nextToken();
          if (v == JsonToken.VALUE_STRING) {
            g.writeString(hexToBase64(p.currentName(), p.getText()));
          } else if (v == JsonToken.VALUE_NULL) {
            g.writeNull();
          } else {
            throw Rejection.badRequest("invalid OTLP JSON: " + p.currentName() + " must be a hex string");
          }
          continue;
        }
        g.copyCurrentEvent(p);
      }
    } catch (StreamConstraintsException e) {
      throw Rejection.badRequest("invalid OTLP JSON: nested deeper than " + MAX_JSON_DEPTH + " or too long a value");
    } catch (IOException e) {
      throw Rejection.badRequest("invalid OTLP JSON: " + firstLine(e.getMessage()));
    }
    return out.toString();
  }

  private static String hexToBase64(String field, String hex) throws Rejection {
    try {
      return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw Rejection.badRequest("invalid OTLP JSON: " + field + " is not hex");
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "malformed";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
