package io.lambdascope.collector.meters;

import io.lambdascope.collector.admission.InflightBudget;
import io.lambdascope.collector.admission.Rejection;
import io.lambdascope.collector.signal.Signal;
import io.lambdascope.httpguard.RequestDeadlines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The collector's own meters, named as docs/telemetry.md section 5 says; registered once. */
public final class CollectorMeters {
  private final MeterRegistry registry;
  private final Map<Signal, Counter> received = new EnumMap<>(Signal.class);
  private final Map<Signal, Counter> accepted = new EnumMap<>(Signal.class);
  private final Map<Signal, Timer> kafkaSend = new EnumMap<>(Signal.class);
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final Counter producerErrors;
  private final Map<RequestDeadlines.Expiry, Counter> connectionsTimedOut =
      new EnumMap<>(RequestDeadlines.Expiry.class);

  public CollectorMeters(MeterRegistry registry, InflightBudget inflight) {
    this.registry = registry;
    for (Signal s : Signal.values()) {
      received.put(s, Counter.builder("lambdascope.collector.items.received")
          .description("Spans, log records or data points received")
          .tag("signal", s.label()).register(registry));
      accepted.put(s, Counter.builder("lambdascope.collector.items.accepted")
          .description("Items acknowledged by Kafka")
          .tag("signal", s.label()).register(registry));
      kafkaSend.put(s, Timer.builder("lambdascope.collector.kafka.send")
          .description("Time from send to Kafka acknowledgement")
          .tag("signal", s.label())
          .serviceLevelObjectives(
              Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
              Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
              Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
              Duration.ofSeconds(30))
          .register(registry));
      // Pre-register every reason so rates start from zero rather than from absent series.
      for (Rejection.Reason r : Rejection.Reason.values()) {
        rejectedCounter(s, r);
      }
    }
    Gauge.builder("lambdascope.collector.inflight.bytes", inflight, InflightBudget::bytes)
        .description("Request bytes held while waiting for Kafka")
        .register(registry);
    producerErrors = Counter.builder("lambdascope.collector.producer.errors")
        .description("Failed Kafka sends").register(registry);
    for (RequestDeadlines.Expiry e : RequestDeadlines.Expiry.values()) {
      connectionsTimedOut.put(e, Counter.builder("lambdascope.collector.connections.timed.out")
          .description("Connections closed because the client did not send a request in time")
          .tag("reason", e.label()).register(registry));
    }
  }

  public void request(Signal signal, int status) {
    requests.computeIfAbsent(signal.label() + "/" + status, k -> Counter.builder("lambdascope.collector.requests")
        .description("Requests answered, by HTTP status code")
        .tag("signal", signal.label()).tag("code", Integer.toString(status)).register(registry)).increment();
  }

  public void received(Signal signal, long items) {
    received.get(signal).increment(items);
  }

  public void accepted(Signal signal, long items) {
    accepted.get(signal).increment(items);
  }

  public void rejected(Signal signal, Rejection.Reason reason) {
    rejectedCounter(signal, reason).increment();
  }

  private Counter rejectedCounter(Signal signal, Rejection.Reason reason) {
    return rejected.computeIfAbsent(signal.label() + "/" + reason.label(),
        k -> Counter.builder("lambdascope.collector.rejected")
            .description("Requests refused, by reason")
            .tag("signal", signal.label()).tag("reason", reason.label()).register(registry));
  }

  public Timer kafkaSend(Signal signal) {
    return kafkaSend.get(signal);
  }

  public void producerError() {
    producerErrors.increment();
  }

  /** A connection closed for its client's slowness. */
  public void connectionTimedOut(RequestDeadlines.Expiry reason) {
    connectionsTimedOut.get(reason).increment();
  }
}
