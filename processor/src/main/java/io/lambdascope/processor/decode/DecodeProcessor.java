package io.lambdascope.processor.decode;

import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry of one input topic: decodes each Kafka record and hands its items on one by one, keyed
 * by function. The processors downstream run inside {@code forward}, so a failure anywhere in the
 * handling of a record lands here: it is counted and the record skipped, instead of killing the
 * stream thread and replaying the same record forever.
 */
public final class DecodeProcessor extends ContextualProcessor<byte[], byte[], String, Telemetry> {
  private static final Logger log = LoggerFactory.getLogger(DecodeProcessor.class);
  /** Label value for a record that decoded but failed later, for a reason nobody foresaw. */
  public static final String PROCESSING_ERROR = "processing_error";

  /** Decodes one record's value into the items it holds; skips what is not ours. */
  @FunctionalInterface
  public interface Decoder {
    List<? extends Telemetry> decode(byte[] key, byte[] value, long recordTimestampMs) throws DecodeException;
  }

  private final String topic;
  private final Decoder decoder;
  private final InputMeters meters;

  public DecodeProcessor(String topic, Decoder decoder, InputMeters meters) {
    this.topic = topic;
    this.decoder = decoder;
    this.meters = meters;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    meters.recordConsumed(topic);
    try {
      for (Telemetry item : decoder.decode(record.key(), record.value(), record.timestamp())) {
        context().forward(new Record<>(item.function(), item, record.timestamp(), record.headers()));
      }
    } catch (DecodeException e) {
      meters.decodeFailure(topic, e.reason(), e.getMessage());
    } catch (KafkaException e) {
      throw e; // Streams' own signals (task migrated, fenced, store errors): it knows how to recover
    } catch (RuntimeException e) {
      meters.decodeFailure(topic, PROCESSING_ERROR, e.toString());
      log.debug("record skipped", e);
    }
  }
}
