package io.lambdascope.processor.decode;

import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The input topics' value deserializers: an OTLP protobuf request, read in place into the items the
 * processor keeps. A value that is not one fails here, in Kafka Streams' deserialization step, so
 * its handler ({@link SkipUndecodableRecords}) skips and counts it.
 */
public final class OtlpDeserializers {
  private OtlpDeserializers() {}

  /** A decoder of one request's bytes. */
  @FunctionalInterface
  private interface Decoder<T> {
    List<T> decode(byte[] value) throws ProtoReader.Malformed, DecodeException;
  }

  public static Deserializer<List<InvocationSpan>> spans() {
    return (topic, data) -> decode(data, InvocationSpanDecoder::decode, "ExportTraceServiceRequest");
  }

  public static Deserializer<List<PlatformEvent>> platformEvents() {
    return (topic, data) -> decode(data, PlatformEventDecoder::decode, "ExportLogsServiceRequest");
  }

  /** A tombstone (null) stays null, for the decode step to count; an empty value is refused here. */
  private static <T> List<T> decode(byte[] data, Decoder<T> decoder, String type) {
    if (data == null) {
      return null;
    }
    if (data.length == 0) {
      throw new UndecodableRecordException(DecodeException.EMPTY_VALUE, "record has an empty value", null);
    }
    try {
      return decoder.decode(data);
    } catch (ProtoReader.Malformed e) {
      throw new UndecodableRecordException(DecodeException.INVALID_PROTOBUF, "not an " + type + ": " + e.getMessage(), e);
    } catch (DecodeException e) {
      throw new UndecodableRecordException(e.reason(), e.getMessage(), e);
    }
  }
}
