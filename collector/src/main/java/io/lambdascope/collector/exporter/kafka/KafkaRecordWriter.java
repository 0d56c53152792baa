package io.lambdascope.collector.exporter.kafka;

import static java.util.Objects.requireNonNull;

import io.lambdascope.collector.meters.CollectorMeters;
import io.lambdascope.collector.signal.Signal;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** Sends a request's records and tells when Kafka has answered for every one of them. */
final class KafkaRecordWriter {
  private static final Header CONTENT_TYPE =
      new RecordHeader("content-type", "application/x-protobuf".getBytes(StandardCharsets.UTF_8));

  private final Producer<byte[], byte[]> producer;
  private final CollectorMeters meters;

  KafkaRecordWriter(Producer<byte[], byte[]> producer, CollectorMeters meters) {
    this.producer = requireNonNull(producer, "producer");
    this.meters = requireNonNull(meters, "meters");
  }

  /**
   * Completes when Kafka has acknowledged or failed every record, with the first failure if any.
   * Items of acknowledged records count as accepted either way.
   */
  CompletableFuture<Void> send(Signal signal, String topic, List<KafkaRecord> records) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (records.isEmpty()) {
      done.complete(null);
      return done;
    }
    AtomicInteger pending = new AtomicInteger(records.size());
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong acceptedItems = new AtomicLong();
    Timer timer = meters.kafkaSend(signal);
    for (KafkaRecord r : records) {
      long start = System.nanoTime();
      ProducerRecord<byte[], byte[]> pr =
          new ProducerRecord<>(topic, null, r.key(), r.value(), List.of(CONTENT_TYPE));
      try {
        producer.send(pr, (meta, e) -> {
          if (e == null) {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            acceptedItems.addAndGet(r.items());
          } else {
            meters.producerError();
            failure.compareAndSet(null, e);
          }
          finish(signal, pending, failure, acceptedItems, done);
        });
      } catch (RuntimeException e) {
        meters.producerError();
        failure.compareAndSet(null, e);
        finish(signal, pending, failure, acceptedItems, done);
      }
    }
    return done;
  }

  private void finish(Signal signal, AtomicInteger pending, AtomicReference<Exception> failure,
      AtomicLong acceptedItems, CompletableFuture<Void> done) {
    if (pending.decrementAndGet() != 0) {
      return;
    }
    meters.accepted(signal, acceptedItems.get());
    Exception e = failure.get();
    if (e == null) {
      done.complete(null);
    } else {
      done.completeExceptionally(e);
    }
  }
}
