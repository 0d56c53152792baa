package io.lambdascope.processor.decode;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The input topics' value deserializers: OTLP protobuf requests. A value that is not one fails here,
 * in Kafka Streams' deserialization step, so its handler skips and counts it.
 */
public final class OtlpDeserializers {
  private OtlpDeserializers() {}

  public static Deserializer<ExportTraceServiceRequest> traces() {
    return (topic, data) -> parse(data, ExportTraceServiceRequest.parser(), "ExportTraceServiceRequest");
  }

  public static Deserializer<ExportLogsServiceRequest> logs() {
    return (topic, data) -> parse(data, ExportLogsServiceRequest.parser(), "ExportLogsServiceRequest");
  }

  /** A tombstone (null) stays null, for the decode step to count; an empty value is refused here. */
  private static <T> T parse(byte[] data, Parser<T> parser, String type) {
    if (data == null) {
      return null;
    }
    if (data.length == 0) {
      throw new UndecodableRecordException(DecodeException.EMPTY_VALUE, "record has an empty value", null);
    }
    try {
      return parser.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new UndecodableRecordException(DecodeException.INVALID_PROTOBUF, "not an " + type + ": " + e.getMessage(), e);
    }
  }
}
