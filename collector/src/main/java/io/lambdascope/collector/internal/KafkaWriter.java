package io.lambdascope.collector.internal;

import static java.util.Objects.requireNonNull;

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
public final class KafkaWriter {
  private static final Header CONTENT_TYPE =
      new RecordHeader("content-type", "application/x-protobuf".getBytes(StandardCharsets.UTF_8));

  private final Producer<byte[], byte[]> producer;
  private final CollectorMetrics metrics;

  public KafkaWriter(Producer<byte[], byte[]> producer, CollectorMetrics metrics) {
    this.producer = requireNonNull(producer, "producer");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  /**
   * Completes when Kafka has acknowledged or failed every record, with the first failure if any.
   * Items of acknowledged records count as accepted either way.
   */
  public CompletableFuture<Void> send(Signal signal, String topic, List<KafkaRecord> records) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (records.isEmpty()) {
      done.complete(null);
      return done;
    }
    AtomicInteger pending = new AtomicInteger(records.size());
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicLong acceptedItems = new AtomicLong();
    Timer timer = metrics.kafkaSend(signal);
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
            metrics.producerError();
            failure.compareAndSet(null, e);
          }
          finish(signal, pending, failure, acceptedItems, done);
        });
      } catch (RuntimeException e) {
        metrics.producerError();
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
    metrics.accepted(signal, acceptedItems.get());
    Exception e = failure.get();
    if (e == null) {
      done.complete(null);
    } else {
      done.completeExceptionally(e);
    }
  }
}
