package io.lambdascope.benchmarks;

import io.lambdascope.benchmarks.internal.Fmt;
import io.lambdascope.benchmarks.internal.InstantSink;
import io.lambdascope.benchmarks.internal.LoadClient.Outcome;
import io.lambdascope.benchmarks.internal.LoadClient.Payload;
import io.lambdascope.benchmarks.internal.LoadClient;
import io.lambdascope.benchmarks.internal.LocalCollector;
import io.lambdascope.benchmarks.internal.LocalKafka;
import io.lambdascope.benchmarks.internal.MetricsPage;
import io.lambdascope.benchmarks.internal.SpanFactory;
import io.lambdascope.benchmarks.internal.Stats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Spans per second the collector gets acknowledged by Kafka (acks=all), against a plain
 * KafkaProducer writing the same bytes to the same broker, in alternating phases of one run; then
 * request latency at half the collector's maximum.
 */
final class CollectorThroughputBenchmark implements Benchmark {
  private static final int FUNCTIONS = 20;
  private static final int SPANS_PER_REQUEST = 20;
  private static final int CONCURRENCY = 32;
  private static final int PARTITIONS = 3;
  private static final String RAW_TOPIC = "bench_raw";

  @Override
  public String name() {
    return "collector";
  }

  @Override
  public String title() {
    return "Collector: spans per second into Kafka, against a plain producer";
  }

  /** The same producer settings the collector uses by default, so the difference is the collector itself. */
  static Map<String, Object> producerSettings(String bootstrap) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.LINGER_MS_CONFIG, "5",
        ProducerConfig.BATCH_SIZE_CONFIG, "262144",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
  }

  private record Keyed(byte[] key, Payload payload) {}

  @Override
  public String run(RunContext context) throws Exception {
    int rounds = context.pick(1, 3);
    Duration phase = Duration.ofSeconds(context.pick(4, 10));
    Duration latencyPhase = Duration.ofSeconds(context.pick(5, 15));

    SpanFactory factory = new SpanFactory(7);
    List<Keyed> keyed = new ArrayList<>();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < 200; i++) {
      String fn = SpanFactory.functionName(i % FUNCTIONS);
      byte[] body = factory.request(fn, SPANS_PER_REQUEST, now).toByteArray();
      keyed.add(new Keyed(fn.getBytes(StandardCharsets.UTF_8), new Payload(body, SPANS_PER_REQUEST)));
    }
    List<Payload> payloads = keyed.stream().map(Keyed::payload).toList();
    double bytesPerRequest = payloads.stream().mapToInt(p -> p.body().length).average().orElse(0);

    try (LocalKafka kafka = LocalKafka.start(context.workspace().workDir(), PARTITIONS);
        LocalCollector collector =
            LocalCollector.start(kafka.bootstrapServers(), Map.of("LAMBDASCOPE_TOPIC_PARTITIONS", Integer.toString(PARTITIONS)));
        Producer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings(kafka.bootstrapServers()));
        InstantSink sink = InstantSink.start()) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(Set.of(new NewTopic(RAW_TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      LoadClient client = new LoadClient(collector.endpoint() + "/v1/traces", "application/x-protobuf", CONCURRENCY);

      // Warm-up of both paths (JIT, connections, producer metadata); not recorded.
      rawProducer(producer, keyed, CONCURRENCY, Duration.ofSeconds(2));
      client.closedLoop(payloads, CONCURRENCY, Duration.ofSeconds(2));


      List<Double> raw = new ArrayList<>();
      List<Double> viaCollector = new ArrayList<>();
      long refused = 0;
      long failed = 0;
      long unanswered = 0;
      for (int round = 1; round <= rounds; round++) {
        raw.add(rawProducer(producer, keyed, CONCURRENCY, phase));
        Outcome o = client.closedLoop(payloads, CONCURRENCY, phase);
        viaCollector.add(o.itemsPerSecond());
        refused += o.refused();
        failed += o.failed();
        unanswered += o.unanswered();
        context.progress("collector round %d/%d: raw %.0f spans/s, collector %.0f spans/s", round, rounds,
            raw.get(raw.size() - 1), o.itemsPerSecond());
      }
      // The load generator's own ceiling, measured once its code is warm: the same clients against
      // an endpoint that answers at once.
      double ceiling;
      try (LoadClient toSink = new LoadClient(sink.endpoint() + "/v1/traces", "application/x-protobuf", CONCURRENCY)) {
        toSink.closedLoop(payloads, CONCURRENCY, Duration.ofSeconds(2));
        ceiling = toSink.closedLoop(payloads, CONCURRENCY, phase).itemsPerSecond();
      }
      Stats rawStats = Stats.of(raw);
      Stats colStats = Stats.of(viaCollector);

      double halfRate = colStats.median() / 2 / SPANS_PER_REQUEST;
      Outcome half = client.openLoop(payloads, halfRate, latencyPhase);
      Stats latency = Stats.of(half.latencyNanos().stream().map(n -> n / 1e6).toList());
      String metrics = MetricsPage.get(collector.endpoint() + "/metrics");
      double accepted = MetricsPage.sumSeries(metrics, "lambdascope_collector_items_accepted_total", "signal=\"traces\"");

      client.close();
      StringBuilder md = new StringBuilder();
      md.append("One JVM holds the broker (embedded Kafka, ")
          .append(PARTITIONS)
          .append(" partitions), the collector (defaults, `LAMBDASCOPE_TOPIC_PARTITIONS=")
          .append(PARTITIONS)
          .append("`) and the load. Requests: OTLP protobuf `ExportTraceServiceRequest`s of ")
          .append(SPANS_PER_REQUEST)
          .append(" invocation spans of one function each (SQS-triggered, every attribute of docs/telemetry.md ")
          .append("section 1 plus one `lambdascope.record` event), ")
          .append(FUNCTIONS)
          .append(" functions, ")
          .append(Fmt.num(bytesPerRequest, 0))
          .append(" bytes per request on average. *Collector*: ")
          .append(CONCURRENCY)
          .append(" concurrent HTTP/1.1 clients (one Vert.x event loop), each sending its next request when the ")
          .append("previous one is answered; only 2xx answers count. *Plain producer*: a `KafkaProducer` with the ")
          .append("collector's producer settings (acks=all, idempotence, lz4, linger.ms=5, batch.size=256 KiB) ")
          .append("writing the same request bytes, keyed by function, to a topic with the same partitions, with at ")
          .append("most ")
          .append(CONCURRENCY)
          .append(" records unacknowledged; a span counts when its record is acknowledged. ")
          .append(rounds)
          .append(" alternating rounds of ")
          .append(phase.toSeconds())
          .append(" s each after a 2 s warm-up of both.\n\n");
      md.append("| path | spans/s, median | min–max | rounds |\n|---|---:|---:|---:|\n");
      md.append("| plain KafkaProducer | ")
          .append(Fmt.num(rawStats.median(), 0))
          .append(" | ")
          .append(rawStats.range(0))
          .append(" | ")
          .append(rounds)
          .append(" |\n");
      md.append("| Lambdascope collector | ")
          .append(Fmt.num(colStats.median(), 0))
          .append(" | ")
          .append(colStats.range(0))
          .append(" | ")
          .append(rounds)
          .append(" |\n");
      md.append("| (load generator's ceiling: the same clients against a Vert.x endpoint answering 200 at once, no Kafka) | ")
          .append(Fmt.num(ceiling, 0))
          .append(" | | 1 |\n\n");
      md.append("| ratio | value | target |\n|---|---:|---:|\n");
      ColdStartBenchmark.ratioRow(md, "collector / plain producer (spans/s)", colStats.median() / rawStats.median(), "≥ 0.7");
      if (colStats.median() >= 0.8 * ceiling) {
        md.append("\nThe collector's figure is within 20% of the load generator's ceiling, which shares the same 2 ")
            .append("cores: the client may have been the limit, so the collector's figure and the ratio are lower bounds.\n");
      }
      md.append("\nAt half the collector's maximum (")
          .append(Fmt.num(halfRate, 0))
          .append(" requests/s = ")
          .append(Fmt.num(halfRate * SPANS_PER_REQUEST, 0))
          .append(" spans/s, open loop for ")
          .append(latencyPhase.toSeconds())
          .append(" s, latency from each request's scheduled send time to its answer):\n\n");
      md.append("| requests answered 2xx | p50 ms | p90 ms | p99 ms | max ms | refused (429/503) | failed | ")
          .append("of which unanswered | of which not sent |\n");
      md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      md.append("| ")
          .append(half.okRequests())
          .append(" | ")
          .append(Fmt.num(latency.percentile(50), 1))
          .append(" | ")
          .append(Fmt.num(latency.percentile(90), 1))
          .append(" | ")
          .append(Fmt.num(latency.percentile(99), 1))
          .append(" | ")
          .append(Fmt.num(latency.max(), 1))
          .append(" | ")
          .append(half.refused())
          .append(" | ")
          .append(half.failed())
          .append(" | ")
          .append(half.unanswered())
          .append(" | ")
          .append(half.notSent())
          .append(" |\n\n");
      md.append("*Unanswered*: sent, and no answer within ")
          .append(LoadClient.ANSWER_TIMEOUT_MS / 1000)
          .append(" s (the collector's fault). *Not sent*: the load generator fell behind its schedule and ")
          .append("the request never got a connection within ")
          .append(LoadClient.QUEUE_TIMEOUT_MS / 1000)
          .append(" s, so the collector never saw it (on a machine too loaded for the rate; not the collector's ")
          .append("doing).\n\n");
      md.append("During the maximum-load rounds the collector refused ")
          .append(refused)
          .append(" requests with 429/503 (backpressure) and ")
          .append(failed)
          .append(" failed otherwise (connection errors, other statuses), of which ")
          .append(unanswered)
          .append(" got no answer. Its own `lambdascope_collector_items_accepted_total{signal=\"traces\"}` ")
          .append("read ")
          .append(Fmt.num(accepted, 0))
          .append(" at the end (warm-up included).\n");
      return md.toString();
    }
  }

  /** Spans per second acknowledged by Kafka, at most {@code inFlight} records unacknowledged. */
  private static double rawProducer(Producer<byte[], byte[]> producer, List<Keyed> keyed, int inFlight, Duration d)
      throws InterruptedException {
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong acked = new AtomicLong();
    long start = System.nanoTime();
    long end = start + d.toNanos();
    int i = 0;
    while (System.nanoTime() < end) {
      if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        continue;
      }
      Keyed k = keyed.get(i++ % keyed.size());
      producer.send(
          new ProducerRecord<>(RAW_TOPIC, k.key(), k.payload().body()),
          (metadata, error) -> {
            if (error == null) {
              acked.addAndGet(k.payload().items());
            }
            slots.release();
          });
    }
    slots.acquire(inFlight);
    return acked.get() / ((System.nanoTime() - start) / 1e9);
  }
}
