package io.lambdascope.benchmarks;

import io.lambdascope.benchmarks.internal.ChildJvm;
import io.lambdascope.benchmarks.internal.Fmt;
import io.lambdascope.benchmarks.internal.InstantSink;
import io.lambdascope.benchmarks.internal.LoadClient;
import io.lambdascope.benchmarks.internal.LoadClient.Outcome;
import io.lambdascope.benchmarks.internal.LoadClient.Payload;
import io.lambdascope.benchmarks.internal.LocalKafka;
import io.lambdascope.benchmarks.internal.Machine;
import io.lambdascope.benchmarks.internal.MetricsPage;
import io.lambdascope.benchmarks.internal.SpanFactory;
import io.lambdascope.benchmarks.internal.Stats;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Spans per second and per CPU second the collector gets acknowledged by Kafka (acks=all), against
 * a plain KafkaProducer writing the same bytes to the same broker, in alternating phases of one
 * run, for batched and for agent-shaped (one span per request) traffic and for platform event
 * batches; then request latency at half the collector's maximum. The collector runs in a JVM of
 * its own, so its CPU time is its own.
 */
final class CollectorThroughputBenchmark implements Benchmark {
  private static final int FUNCTIONS = 20;
  private static final int SPANS_PER_REQUEST = 20;
  /** Platform events of one invocation, as the extension relays them: start, runtimeDone, report. */
  private static final int EVENTS_PER_INVOCATION = 3;
  private static final int CONCURRENCY = 32;
  private static final int PARTITIONS = 3;
  private static final String RAW_TOPIC = "bench_raw";
  private static final String RAW_CLIENT_ID = "bench-raw";

  @Override
  public String name() {
    return "collector";
  }

  @Override
  public String title() {
    return "Collector: spans per second and per core into Kafka, against a plain producer";
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

  /**
   * One phase: items acknowledged per second, and the CPU seconds its path used: all of them, and
   * without the JIT compiler threads (a long-running collector has finished compiling).
   */
  private record Measured(double itemsPerSecond, long items, double cpuSeconds, double cpuWithJit, Outcome outcome) {
    double itemsPerCpuSecond() {
      return items / cpuSeconds;
    }

    double itemsPerCpuSecondWithJit() {
      return items / cpuWithJit;
    }
  }

  /** The traffic shapes, in the order of the tables. */
  private enum Shape {
    BATCHED("requests of " + SPANS_PER_REQUEST + " spans", "spans"),
    SINGLE("requests of 1 span (as the agent exports)", "spans"),
    PLATFORM("platform batches of " + EVENTS_PER_INVOCATION + " events (one invocation's)", "events");

    final String label;
    final String unit;

    Shape(String label, String unit) {
      this.label = label;
      this.unit = unit;
    }
  }

  @Override
  public String run(RunContext context) throws Exception {
    int rounds = context.pick(1, 3);
    Duration phase = Duration.ofSeconds(context.pick(4, 8));
    Duration latencyPhase = Duration.ofSeconds(context.pick(5, 15));
    // Long enough in a full run that the JIT compilers are done before anything is measured.
    Duration warmUp = Duration.ofSeconds(context.pick(2, 12));

    SpanFactory factory = new SpanFactory(7);
    long now = System.currentTimeMillis() * 1_000_000L;
    List<Keyed> batched = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String fn = SpanFactory.functionName(i % FUNCTIONS);
      batched.add(new Keyed(fn.getBytes(StandardCharsets.UTF_8),
          new Payload(factory.request(fn, SPANS_PER_REQUEST, now).toByteArray(), SPANS_PER_REQUEST)));
    }
    List<Keyed> single = new ArrayList<>();
    List<Payload> platform = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      String fn = SpanFactory.functionName(i % FUNCTIONS);
      String id = UUID.randomUUID().toString();
      single.add(new Keyed(fn.getBytes(StandardCharsets.UTF_8),
          new Payload(factory.request(fn, factory.span(fn, now + i * 1_000_000L, id)).toByteArray(), 1)));
      platform.add(EndToEndBenchmark.platformBatch(fn, List.of(id), now + i * 1_000_000L));
    }
    Map<Shape, List<Keyed>> rawTraffic = Map.of(Shape.BATCHED, batched, Shape.SINGLE, single);
    Map<Shape, List<Payload>> traffic = Map.of(
        Shape.BATCHED, batched.stream().map(Keyed::payload).toList(),
        Shape.SINGLE, single.stream().map(Keyed::payload).toList(),
        Shape.PLATFORM, platform);

    try (LocalKafka kafka = LocalKafka.start(context.workspace().workDir(), PARTITIONS);
        ChildJvm collector = ServiceJvms.start(context, "collector", kafka.bootstrapServers(),
            Map.of("LAMBDASCOPE_TOPIC_PARTITIONS", Integer.toString(PARTITIONS)));
        InstantSink sink = InstantSink.start()) {
      Map<String, Object> rawSettings = new HashMap<>(producerSettings(kafka.bootstrapServers()));
      rawSettings.put(ProducerConfig.CLIENT_ID_CONFIG, RAW_CLIENT_ID);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
          Producer<byte[], byte[]> producer = new KafkaProducer<>(rawSettings);
          LoadClient spans = new LoadClient(endpoint(collector) + "/v1/traces", "application/x-protobuf", CONCURRENCY);
          LoadClient events = new LoadClient(endpoint(collector) + "/v1/lambda/telemetry", "application/json", CONCURRENCY)) {
        admin.createTopics(Set.of(new NewTopic(RAW_TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Map<Shape, LoadClient> clients = Map.of(Shape.BATCHED, spans, Shape.SINGLE, spans, Shape.PLATFORM, events);

        // Warm-up of every path (JIT, connections, producer metadata); not recorded.
        for (Shape s : Shape.values()) {
          if (rawTraffic.containsKey(s)) {
            rawProducer(producer, rawTraffic.get(s), warmUp);
          }
          clients.get(s).closedLoop(traffic.get(s), CONCURRENCY, warmUp);
        }
        // What the collector costs doing nothing (readiness probes, meters), to tell it apart.
        double idle0 = collector.cpuSeconds();
        Thread.sleep(3000);
        double idlePerSecond = (collector.cpuSeconds() - idle0) / 3.0;
        Map<String, Double> threads0 = Machine.threadCpuSeconds(collector.pid());

        Map<Shape, List<Measured>> raw = new LinkedHashMap<>();
        Map<Shape, List<Measured>> viaCollector = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
          for (Shape s : Shape.values()) {
            if (rawTraffic.containsKey(s)) {
              raw.computeIfAbsent(s, k -> new ArrayList<>()).add(rawProducer(producer, rawTraffic.get(s), phase));
            }
            double cpu0 = collector.cpuSeconds();
            double jit0 = jitSeconds(collector);
            Outcome o = clients.get(s).closedLoop(traffic.get(s), CONCURRENCY, phase);
            double cpu = collector.cpuSeconds() - cpu0;
            viaCollector.computeIfAbsent(s, k -> new ArrayList<>())
                .add(new Measured(o.itemsPerSecond(), o.okItems(), cpu - (jitSeconds(collector) - jit0), cpu, o));
            context.progress("collector round %d/%d, %s: %.0f %s/s, %.0f per CPU s", round, rounds, s.label,
                o.itemsPerSecond(), s.unit, last(viaCollector.get(s)).itemsPerCpuSecond());
          }
        }
        Map<String, Double> threadCpu = Machine.threadCpuSeconds(collector.pid());
        threads0.forEach((name, cpu) -> threadCpu.merge(name, -cpu, Double::sum));

        // The load generator's own ceiling, measured once its code is warm: the same clients against
        // an endpoint that answers at once.
        double ceiling;
        try (LoadClient toSink = new LoadClient(sink.endpoint() + "/v1/traces", "application/x-protobuf", CONCURRENCY)) {
          toSink.closedLoop(traffic.get(Shape.BATCHED), CONCURRENCY, Duration.ofSeconds(2));
          ceiling = toSink.closedLoop(traffic.get(Shape.BATCHED), CONCURRENCY, phase).itemsPerSecond();
        }

        double halfRate = median(viaCollector.get(Shape.BATCHED), Measured::itemsPerSecond) / 2 / SPANS_PER_REQUEST;
        Outcome half = spans.openLoop(traffic.get(Shape.BATCHED), halfRate, latencyPhase);
        String metrics = MetricsPage.get(endpoint(collector) + "/metrics");
        double accepted = MetricsPage.sumSeries(metrics, "lambdascope_collector_items_accepted_total");
        return render(rounds, phase, warmUp, traffic, raw, viaCollector, idlePerSecond, threadCpu, ceiling, halfRate,
            latencyPhase, half, accepted);
      }
    }
  }

  /** CPU seconds of the JVM's JIT compiler threads so far. */
  private static double jitSeconds(ChildJvm jvm) throws java.io.IOException {
    return Machine.threadCpuSeconds(jvm.pid()).entrySet().stream()
        .filter(e -> e.getKey().contains("CompilerThre")).mapToDouble(Map.Entry::getValue).sum();
  }

  private static String endpoint(ChildJvm collector) {
    return "http://127.0.0.1:" + collector.readyValue("collector");
  }

  private static Measured last(List<Measured> list) {
    return list.get(list.size() - 1);
  }

  private static double median(List<Measured> list, ToDoubleFunction<Measured> f) {
    return Stats.of(list.stream().map(f::applyAsDouble).toList()).median();
  }

  private static String render(int rounds, Duration phase, Duration warmUp, Map<Shape, List<Payload>> traffic,
      Map<Shape, List<Measured>> raw, Map<Shape, List<Measured>> viaCollector, double idlePerSecond,
      Map<String, Double> threadCpu, double ceiling, double halfRate, Duration latencyPhase, Outcome half,
      double accepted) {
    StringBuilder md = new StringBuilder();
    md.append("The broker (embedded Kafka, ")
        .append(PARTITIONS)
        .append(" partitions), the load and the plain producer share the harness JVM; the collector runs in a JVM ")
        .append("of its own (`ServiceMain collector`, ")
        .append(ServiceJvms.HEAP)
        .append(", defaults, `LAMBDASCOPE_TOPIC_PARTITIONS=")
        .append(PARTITIONS)
        .append("`), so its CPU time (user + system, from `/proc/<pid>/stat`: every thread, GC and JIT included) ")
        .append("is its own; the table leaves out its JIT compiler threads, which a long-running collector no longer ")
        .append("needs (the last column puts them back). Traffic: OTLP protobuf `ExportTraceServiceRequest`s of SQS-triggered invocation spans ")
        .append("(every attribute of docs/telemetry.md section 1 plus one `lambdascope.record` event) of ")
        .append(FUNCTIONS)
        .append(" functions, ")
        .append(SPANS_PER_REQUEST)
        .append(" per request (")
        .append(Fmt.num(averageBytes(traffic.get(Shape.BATCHED)), 0))
        .append(" bytes on average) or 1 per request, as the agent exports (")
        .append(Fmt.num(averageBytes(traffic.get(Shape.SINGLE)), 0))
        .append(" bytes); and Telemetry API batches of one invocation's `platform.start`, `platform.runtimeDone` ")
        .append("and `platform.report` to `/v1/lambda/telemetry` (")
        .append(Fmt.num(averageBytes(traffic.get(Shape.PLATFORM)), 0))
        .append(" bytes). *Collector*: ")
        .append(CONCURRENCY)
        .append(" concurrent HTTP/1.1 clients (one Vert.x event loop), each sending its next request when the ")
        .append("previous one is answered; only 2xx answers count. *Plain producer*: a `KafkaProducer` with the ")
        .append("collector's producer settings (acks=all, idempotence, lz4, linger.ms=5, batch.size=256 KiB) writing ")
        .append("the same request bytes, keyed by function, to a topic with the same partitions, with at most ")
        .append(CONCURRENCY)
        .append(" records unacknowledged; an item counts when its record is acknowledged, and its CPU time is that ")
        .append("of the sending thread and the producer's network thread (`ThreadMXBean`; no GC or JIT, so the ")
        .append("floor is if anything low). ")
        .append(rounds)
        .append(" alternating rounds of ")
        .append(phase.toSeconds())
        .append(" s per shape and path after a ")
        .append(warmUp.toSeconds())
        .append(" s warm-up of each. *Per CPU second* is what one fully used core ")
        .append("does.\n\n");
    md.append("| traffic | path | items/s, median | min–max | CPU s per 1,000 items | items per CPU second (per core) ")
        .append("| per CPU second, JIT included |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|\n");
    for (Shape s : Shape.values()) {
      if (raw.containsKey(s)) {
        row(md, s, "plain KafkaProducer", raw.get(s));
      }
      row(md, s, "Lambdascope collector", viaCollector.get(s));
    }
    md.append("\n| ratio | value | target |\n|---|---:|---:|\n");
    ColdStartBenchmark.ratioRow(md, "collector / plain producer (spans/s, " + SPANS_PER_REQUEST + "-span requests)",
        median(viaCollector.get(Shape.BATCHED), Measured::itemsPerSecond)
            / median(raw.get(Shape.BATCHED), Measured::itemsPerSecond), "≥ 0.7");
    for (Shape s : List.of(Shape.BATCHED, Shape.SINGLE)) {
      ColdStartBenchmark.ratioRow(md, "collector / plain producer (CPU per span, " + s.label + ")",
          median(raw.get(s), Measured::itemsPerCpuSecond) / median(viaCollector.get(s), Measured::itemsPerCpuSecond),
          "none set; lower is better");
    }
    double cpuPerSpanRequest = 1 / median(viaCollector.get(Shape.SINGLE), Measured::itemsPerCpuSecond);
    double cpuPerPlatformBatch = EVENTS_PER_INVOCATION / median(viaCollector.get(Shape.PLATFORM), Measured::itemsPerCpuSecond);
    double cpuPerInvocation = cpuPerSpanRequest + cpuPerPlatformBatch;
    md.append("\n**Per invocation**, as agents send them (one request with its span, one with its ")
        .append(EVENTS_PER_INVOCATION)
        .append(" platform events): ")
        .append(Fmt.num(cpuPerSpanRequest * 1e6, 0))
        .append(" + ")
        .append(Fmt.num(cpuPerPlatformBatch * 1e6, 0))
        .append(" = ")
        .append(Fmt.num(cpuPerInvocation * 1e6, 0))
        .append(" µs of collector CPU, so **")
        .append(Fmt.num(1 / cpuPerInvocation, 0))
        .append(" invocations per second per collector core**. Doing nothing, the collector used ")
        .append(Fmt.num(idlePerSecond, 3))
        .append(" CPU s/s.\n\n");
    double threadTotal = threadCpu.values().stream().mapToDouble(Double::doubleValue).sum();
    md.append("Where the collector's CPU went during the rounds (threads by name, from `/proc/<pid>/task`): ");
    List<Map.Entry<String, Double>> top = threadCpu.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(5).toList();
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Double> e : top) {
      parts.add("`" + e.getKey() + "` " + Fmt.num(100 * e.getValue() / threadTotal, 0) + "%");
    }
    md.append(String.join(", ", parts)).append(".\n\n");
    md.append("| (load generator's ceiling: the same clients against a Vert.x endpoint answering 200 at once, no ")
        .append("Kafka, ")
        .append(SPANS_PER_REQUEST)
        .append("-span requests) | ")
        .append(Fmt.num(ceiling, 0))
        .append(" spans/s |\n|---|---:|\n");
    if (median(viaCollector.get(Shape.BATCHED), Measured::itemsPerSecond) >= 0.8 * ceiling) {
      md.append("\nThe collector's figure is within 20% of the load generator's ceiling, which shares the same 2 ")
          .append("cores: the client may have been the limit, so the collector's figure and the ratio are lower bounds.\n");
    }
    Stats latency = Stats.of(half.latencyNanos().stream().map(n -> n / 1e6).toList());
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
        .append(" s (the collector's fault). *Not sent*: the load generator fell behind its schedule, with every ")
        .append("connection busy and as many requests waiting, so it dropped the request and the collector never saw ")
        .append("it (a machine too loaded for the rate; not the collector's doing).\n\n");
    long refused = 0;
    long failed = 0;
    long unanswered = 0;
    for (List<Measured> list : viaCollector.values()) {
      for (Measured m : list) {
        refused += m.outcome().refused();
        failed += m.outcome().failed();
        unanswered += m.outcome().unanswered();
      }
    }
    md.append("During the maximum-load rounds the collector refused ")
        .append(refused)
        .append(" requests with 429/503 (backpressure) and ")
        .append(failed)
        .append(" failed otherwise (connection errors, other statuses), of which ")
        .append(unanswered)
        .append(" got no answer. Its own `lambdascope_collector_items_accepted_total` read ")
        .append(Fmt.num(accepted, 0))
        .append(" at the end (warm-up included).\n");
    return md.toString();
  }

  private static void row(StringBuilder md, Shape s, String path, List<Measured> rounds) {
    Stats rate = Stats.of(rounds.stream().map(Measured::itemsPerSecond).toList());
    double perCpu = median(rounds, Measured::itemsPerCpuSecond);
    md.append("| ")
        .append(s.label)
        .append(" | ")
        .append(path)
        .append(" | ")
        .append(Fmt.num(rate.median(), 0))
        .append(" ")
        .append(s.unit)
        .append(" | ")
        .append(rate.range(0))
        .append(" | ")
        .append(Fmt.num(1000 / perCpu, 3))
        .append(" | ")
        .append(Fmt.num(perCpu, 0))
        .append(" | ")
        .append(Fmt.num(median(rounds, Measured::itemsPerCpuSecondWithJit), 0))
        .append(" |\n");
  }

  private static double averageBytes(List<Payload> payloads) {
    return payloads.stream().mapToInt(p -> p.body().length).average().orElse(0);
  }

  /**
   * Items per second acknowledged by Kafka, at most {@link #CONCURRENCY} records unacknowledged,
   * and the CPU time of the sending thread and the producer's network thread.
   */
  private static Measured rawProducer(Producer<byte[], byte[]> producer, List<Keyed> keyed, Duration d)
      throws InterruptedException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime() + networkThreadCpu(mx);
    Semaphore slots = new Semaphore(CONCURRENCY);
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
    slots.acquire(CONCURRENCY);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (mx.getCurrentThreadCpuTime() + networkThreadCpu(mx) - cpu0) / 1e9;
    return new Measured(acked.get() / seconds, acked.get(), cpu, cpu, null);
  }

  private static long networkThreadCpu(ThreadMXBean mx) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("kafka-producer-network-thread | " + RAW_CLIENT_ID)) {
        return mx.getThreadCpuTime(t.getId());
      }
    }
    throw new IllegalStateException("no network thread of the plain producer");
  }
}
