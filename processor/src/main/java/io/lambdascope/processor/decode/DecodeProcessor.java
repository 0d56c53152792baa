package io.lambdascope.processor.decode;

import java.util.List;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The entry of one input topic: the OTLP request its source deserialized, into the items it holds,
 * handed on one by one, keyed by function. Items that cannot be used are counted and skipped here;
 * a record that fails further down is counted by the processing exception handler
 * ({@link SkipFailedRecords}).
 *
 * @param <R> the OTLP request type of the topic
 */
public final class DecodeProcessor<R> extends ContextualProcessor<byte[], R, FunctionId, Telemetry> {
  /** Decodes one request into the items it holds; skips what is not ours. */
  @FunctionalInterface
  public interface Decoder<R> {
    List<? extends Telemetry> decode(R request, long recordTimestampMs) throws DecodeException;
  }

  private final String topic;
  private final Decoder<R> decoder;
  private final InputMeters meters;

  public DecodeProcessor(String topic, Decoder<R> decoder, InputMeters meters) {
    this.topic = topic;
    this.decoder = decoder;
    this.meters = meters;
  }

  @Override
  public void process(Record<byte[], R> record) {
    meters.recordConsumed(topic);
    if (record.value() == null) {
      meters.decodeFailure(topic, DecodeException.EMPTY_VALUE, "record has no value");
      return;
    }
    List<? extends Telemetry> items;
    try {
      items = decoder.decode(record.value(), record.timestamp());
    } catch (DecodeException e) {
      meters.decodeFailure(topic, e.reason(), e.getMessage());
      return;
    }
    for (Telemetry item : items) {
      context().forward(new Record<>(item.id(), item, record.timestamp(), record.headers()));
    }
  }
}
