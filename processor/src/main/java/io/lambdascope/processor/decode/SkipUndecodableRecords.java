package io.lambdascope.processor.decode;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Kafka Streams' deserialization exception handler: a record whose value is not an OTLP request is
 * counted in {@code lambdascope_processor_decode_failures_total{topic,reason}} and skipped; the
 * stream thread goes on.
 */
public final class SkipUndecodableRecords implements DeserializationExceptionHandler {
  private InputMeters meters;

  @Override
  public void configure(Map<String, ?> configs) {
    meters = InputMetersConfig.from(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
    String reason = e instanceof UndecodableRecordException u ? u.reason() : DecodeException.INVALID_PROTOBUF;
    meters.recordConsumed(record.topic());
    meters.decodeFailure(record.topic(), reason,
        "partition " + record.partition() + " offset " + record.offset() + ": " + e.getMessage());
    return Response.resume();
  }
}
