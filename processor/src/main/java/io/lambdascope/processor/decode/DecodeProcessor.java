package io.lambdascope.processor.decode;

import java.util.List;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The entry of one input topic: the items its source deserializer read from the record (spans or
 * platform events), handed on one by one, keyed by function. A record that could not be read never
 * gets here (the deserialization exception handler counted it); one that fails further down is
 * counted by the processing exception handler ({@link SkipFailedRecords}).
 */
public final class DecodeProcessor extends ContextualProcessor<byte[], List<? extends Telemetry>, FunctionId, Telemetry> {
  private final String topic;
  private final InputMeters meters;

  public DecodeProcessor(String topic, InputMeters meters) {
    this.topic = topic;
    this.meters = meters;
  }

  @Override
  public void process(Record<byte[], List<? extends Telemetry>> record) {
    meters.recordConsumed(topic);
    if (record.value() == null) {
      meters.decodeFailure(topic, DecodeException.EMPTY_VALUE, "record has no value");
      return;
    }
    for (Telemetry item : record.value()) {
      context().forward(new Record<>(item.id(), item, record.timestamp(), record.headers()));
    }
  }
}
