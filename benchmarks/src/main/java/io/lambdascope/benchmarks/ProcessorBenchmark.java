package io.lambdascope.benchmarks;

import io.lambdascope.benchmarks.internal.ChildJvm;
import io.lambdascope.benchmarks.internal.Fmt;
import io.lambdascope.benchmarks.internal.LoadClient;
import io.lambdascope.benchmarks.internal.LoadClient.Payload;
import io.lambdascope.benchmarks.internal.LocalCollector;
import io.lambdascope.benchmarks.internal.LocalKafka;
import io.lambdascope.benchmarks.internal.ProcessorProbe;
import io.lambdascope.benchmarks.internal.SpanFactory;
import io.lambdascope.benchmarks.internal.Stats;
import io.lambdascope.processor.ProcessorConfig;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The processor in a JVM of its own: invocations it decides per CPU second from a backlog in Kafka,
 * side by side with its floor (a plain consumer in another JVM that only parses the same OTLP
 * records), and freshness (collector's 200 to the counter's change on /metrics) at a steady load.
 */
final class ProcessorBenchmark implements Benchmark {
  private static final int FUNCTIONS = 20;
  private static final int PARTITIONS = 3;
  /** The processor's application id: its consumer group, whose committed offsets say when a backlog is done. */
  private static final String GROUP = "bench-processor-throughput";
  private static final String PROBE_FUNCTION = "bench-probe";
  private static final String SPANS = "otlp_spans";
  private static final String LOGS = "otlp_logs";
  /** The share of a warm-up backlog's processor CPU its JIT compiler threads may take for the JIT to count as settled. */
  private static final double JIT_SETTLED = 0.03;
  /** Warm-up rounds (a backlog of each workload) at most, whether the JIT has settled or not. */
  private static final int MAX_WARMUP_ROUNDS = 10;
  /** The processor runs with its defaults: this one is what freshness is bounded by. */
  private static final long COMMIT_INTERVAL_MS = ProcessorConfig.COMMIT_INTERVAL.defaultValue().toMillis();

  /** What one invocation puts into Kafka. */
  private enum Workload {
    SPANS_ONLY("span only", "bench-fn-", false),
    SPAN_AND_REPORT("span + platform events", "bench-rep-", true);

    final String label;
    final String prefix;
    final boolean reports;

    Workload(String label, String prefix, boolean reports) {
      this.label = label;
      this.prefix = prefix;
      this.reports = reports;
    }

    String function(int i) {
      return prefix + (i % FUNCTIONS);
    }
  }

  /**
   * One measured backlog: wall and CPU seconds of the processor (and what its JIT compiler threads
   * used of them) and CPU seconds of both floors.
   */
  private record Round(Workload workload, int invocations, double processorWall, double processorCpu,
      double processorJitCpu, double floorCpu, double consumeCpu) {
    double processorPerCpu() {
      return invocations / processorCpu;
    }

    double jitShare() {
      return processorJitCpu / processorCpu;
    }

    double floorPerCpu() {
      return invocations / floorCpu;
    }

    double consumePerCpu() {
      return invocations / consumeCpu;
    }
  }

  @Override
  public String name() {
    return "processor";
  }

  @Override
  public String title() {
    return "Processor: invocations per CPU second against a plain consumer, and freshness";
  }

  @Override
  public String run(RunContext context) throws Exception {
    int invocations = context.pick(20_000, 100_000);
    int rounds = context.pick(1, 5);
    int warmup = context.pick(5_000, 50_000);
    int probes = context.pick(8, 40);
    double steadyRate = 100;
    SpanFactory factory = new SpanFactory(11);

    try (LocalKafka kafka = LocalKafka.start(context.workspace().workDir(), PARTITIONS)) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(Set.of(new NewTopic(SPANS, PARTITIONS, (short) 1), new NewTopic(LOGS, PARTITIONS, (short) 1)))
            .all().get(30, TimeUnit.SECONDS);
      }
      try (ChildJvm processor =
              ServiceJvms.start(
                  context, "processor", kafka.bootstrapServers(), Map.of("LAMBDASCOPE_TOPIC_PARTITIONS", "" + PARTITIONS,
                      "LAMBDASCOPE_APPLICATION_ID", GROUP));
          ChildJvm floor = startFloor(context, kafka.bootstrapServers(), "parse");
          ChildJvm consume = startFloor(context, kafka.bootstrapServers(), "consume");
          Producer<byte[], byte[]> producer =
              new KafkaProducer<>(CollectorThroughputBenchmark.producerSettings(kafka.bootstrapServers()));
          Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        ProcessorProbe probe = new ProcessorProbe(processor.readyValue("processor"));
        probe.awaitReady(Duration.ofSeconds(120));
        context.progress("processor and floor consumer ready");
        Measurer m = new Measurer(processor, floor, consume, probe, producer, admin, factory);

        // Warm-up of both, alternating as the rounds do (the JIT settles on both paths; fetch sessions);
        // it also teaches the processor which functions send reports. What is measured is a processor
        // that runs for days: the warm-up goes on until its JIT compiler threads take under
        // JIT_SETTLED of a backlog of either workload, within bounds.
        int minWarmupRounds = context.pick(1, 3);
        int maxWarmupRounds = context.pick(1, MAX_WARMUP_ROUNDS);
        int warmupRounds = 0;
        double warmupJit = 1;
        while (warmupRounds < maxWarmupRounds && (warmupRounds < minWarmupRounds || warmupJit >= JIT_SETTLED)) {
          warmupJit = 0;
          for (Workload w : Workload.values()) {
            warmupJit = Math.max(warmupJit, m.measure(w, warmup).jitShare());
          }
          warmupRounds++;
        }
        context.progress("processor: warm-up of %d round(s), the last one's JIT share at most %.1f %%", warmupRounds,
            warmupJit * 100);
        double idleCpu0 = processor.cpuSeconds();
        Thread.sleep(3000);
        double idlePerSecond = (processor.cpuSeconds() - idleCpu0) / 3.0;
        // What one scrape of /metrics costs the processor, apart from the throughput rounds.
        int scrapes = 20;
        double scrapeCpu0 = processor.cpuSeconds();
        long scrapeT0 = System.nanoTime();
        for (int i = 0; i < scrapes; i++) {
          probe.invocations(null);
        }
        double scrapeCpu = Math.max(0, processor.cpuSeconds() - scrapeCpu0
            - idlePerSecond * (System.nanoTime() - scrapeT0) / 1e9) / scrapes;

        List<Round> measured = new ArrayList<>();
        // -Dbench.processor.workload=SPANS_ONLY (through BENCH_HARNESS_OPTS) measures one workload, e.g. to profile it.
        String only = System.getProperty("bench.processor.workload");
        for (int r = 0; r < rounds; r++) {
          for (Workload w : Workload.values()) {
            if (only != null && !only.equals(w.name())) {
              continue;
            }
            Round round = m.measure(w, invocations);
            measured.add(round);
            context.progress("processor: %s, %d invocations: processor %.0f/CPU s (%.1f CPU s), floor %.0f/CPU s, "
                    + "consume only %.0f/CPU s", w.label, invocations, round.processorPerCpu(), round.processorCpu(),
                round.floorPerCpu(), round.consumePerCpu());
          }
        }

        List<Double> freshness = new ArrayList<>();
        LoadClient.Outcome bg = freshness(context, kafka, probe, factory, probes, steadyRate, freshness);
        return render(invocations, rounds, warmupRounds, warmupJit, warmup, measured, idlePerSecond, scrapeCpu, probes, steadyRate,
            Stats.of(freshness), bg);
      }
    }
  }

  private static ChildJvm startFloor(RunContext context, String bootstrap, String mode) throws Exception {
    Path work = context.workspace().workDir();
    List<String> cmd =
        List.of(
            context.workspace().javaBin().toString(),
            ServiceJvms.HEAP,
            "-cp",
            context.workspace().harnessClasspath(),
            DecodeFloorMain.class.getName(),
            mode,
            bootstrap,
            SPANS,
            LOGS);
    return ChildJvm.start(cmd, Map.of(), work, Files.createTempFile(work, "floor-" + mode, ".log"), 120);
  }

  /** Writes backlogs and measures what the processor and the floor spend on them. */
  private static final class Measurer {
    private final ChildJvm processor;
    private final ChildJvm floor;
    private final ChildJvm consume;
    private final ProcessorProbe probe;
    private final Producer<byte[], byte[]> producer;
    private final Admin admin;
    private final SpanFactory factory;
    private long floorItems;
    private long recordCount;

    Measurer(ChildJvm processor, ChildJvm floor, ChildJvm consume, ProcessorProbe probe,
        Producer<byte[], byte[]> producer, Admin admin, SpanFactory factory) {
      this.processor = processor;
      this.floor = floor;
      this.consume = consume;
      this.probe = probe;
      this.producer = producer;
      this.admin = admin;
      this.factory = factory;
    }

    Round measure(Workload w, int invocations) throws Exception {
      // Build the records first, so the writer's own work does not overlap the measurement more than it must.
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(invocations * (w.reports ? 2 : 1));
      long now = System.currentTimeMillis() * 1_000_000L;
      for (int i = 0; i < invocations; i++) {
        String fn = w.function(i);
        byte[] key = fn.getBytes(StandardCharsets.UTF_8);
        String requestId = UUID.randomUUID().toString();
        Span span = factory.span(fn, now + i * 1000L, requestId);
        records.add(new ProducerRecord<>(SPANS, key, factory.request(fn, span).toByteArray()));
        if (w.reports) {
          double durationMs = (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6;
          records.add(new ProducerRecord<>(LOGS, key,
              factory.report(fn, requestId, span.getEndTimeUnixNano(), durationMs + 0.5).toByteArray()));
        }
      }
      // The three read the same backlog one after the other, each alone with the broker: on 2 shared
      // cores, readers running at once would inflate each other's CPU time.
      double before = probe.invocations(null);
      floorItems += (long) invocations * (w.reports ? 4 : 1); // a span, and three platform events
      recordCount += records.size();
      double cpuP = processor.cpuSeconds();
      double jitP = processor.compilerCpuSeconds();
      long t0 = System.nanoTime();
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r);
      }
      producer.flush();
      // Done when the processor's committed offsets (in its transactions) reach the end of both topics; asked
      // of the broker, so that finding out costs the processor nothing (a scrape renders every series).
      awaitCommitted(Duration.ofMinutes(10));
      double wall = (System.nanoTime() - t0) / 1e9;
      double processorCpu = processor.cpuSeconds() - cpuP;
      double processorJitCpu = Math.max(0, processor.compilerCpuSeconds() - jitP);
      // /metrics serves committed state only: what it counts now is the whole backlog, or the round is void.
      if (!probe.awaitInvocations(null, before + invocations, Duration.ofSeconds(30), Duration.ofMillis(200))) {
        throw new IllegalStateException("processor committed the backlog but /metrics counts "
            + (probe.invocations(null) - before) + " of " + invocations + " invocations");
      }
      double cpuF = floor.cpuSeconds();
      floor.send("expect " + floorItems);
      if (floor.awaitLine("done", Duration.ofMinutes(10)) == null) {
        throw new IllegalStateException("the floor consumer did not decode " + floorItems + " items in 10 min");
      }
      double floorCpu = floor.cpuSeconds() - cpuF;
      double cpuC = consume.cpuSeconds();
      consume.send("expect " + recordCount);
      if (consume.awaitLine("done", Duration.ofMinutes(10)) == null) {
        throw new IllegalStateException("the consume-only floor did not see " + recordCount + " records in 10 min");
      }
      double consumeCpu = consume.cpuSeconds() - cpuC;
      return new Round(w, invocations, wall, processorCpu, processorJitCpu, floorCpu, consumeCpu);
    }

    private void awaitCommitted(Duration timeout) throws Exception {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (String topic : List.of(SPANS, LOGS)) {
        for (int p = 0; p < PARTITIONS; p++) {
          latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
      }
      Map<TopicPartition, Long> end = new HashMap<>();
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        boolean done = true;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          if (e.getValue() > 0 && (c == null || c.offset() < e.getValue())) {
            done = false;
            break;
          }
        }
        if (done) {
          return;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("the processor did not commit the backlog in " + timeout);
    }
  }

  private static LoadClient.Outcome freshness(RunContext context, LocalKafka kafka, ProcessorProbe probe,
      SpanFactory factory, int probes, double steadyRate, List<Double> freshness) throws Exception {
    try (LocalCollector collector =
            LocalCollector.start(kafka.bootstrapServers(), Map.of("LAMBDASCOPE_TOPIC_PARTITIONS", "" + PARTITIONS));
        LoadClient load = new LoadClient(collector.endpoint() + "/v1/traces", "application/x-protobuf", 16)) {
      int backgroundCount = (int) (steadyRate * (probes * 1.5 + 20));
      List<Payload> background = new ArrayList<>(backgroundCount);
      long now = System.currentTimeMillis() * 1_000_000L;
      for (int i = 0; i < backgroundCount; i++) {
        background.add(new Payload(factory.request(SpanFactory.functionName(i % FUNCTIONS), 1, now + i).toByteArray(), 1));
      }
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<LoadClient.Outcome> steady =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return load.openLoop(background, steadyRate, Duration.ofSeconds((long) (backgroundCount / steadyRate)), stop);
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      HttpClient http = HttpClient.newHttpClient();
      URI traces = URI.create(collector.endpoint() + "/v1/traces");
      context.progress("processor: collector up, steady load running; %d freshness probes", probes);
      Thread.sleep(2000); // let the steady load settle
      for (int i = 0; i < probes; i++) {
        double before = probe.invocations(PROBE_FUNCTION);
        byte[] body = factory.request(PROBE_FUNCTION, 1, System.currentTimeMillis() * 1_000_000L).toByteArray();
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(traces)
                    .header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        long acked = System.nanoTime();
        if (r.statusCode() != 200) {
          throw new IllegalStateException("collector answered " + r.statusCode() + " to a probe");
        }
        if (!probe.awaitInvocations(PROBE_FUNCTION, before + 1, Duration.ofSeconds(60), Duration.ofMillis(10))) {
          throw new IllegalStateException("probe " + i + " never reached /metrics");
        }
        freshness.add((System.nanoTime() - acked) / 1e6);
      }
      stop.set(true);
      return steady.get();
    }
  }

  private static String render(int invocations, int rounds, int warmupRounds, double warmupJit, int warmupInvocations,
      List<Round> measured, double idlePerSecond, double scrapeCpu, int probes,
      double rate, Stats f, LoadClient.Outcome bg) {
    StringBuilder md = new StringBuilder();
    md.append("The processor runs alone in its own JVM (`").append(ServiceJvms.HEAP)
        .append("`, defaults: exactly-once, commit interval ").append(COMMIT_INTERVAL_MS)
        .append(" ms, 1 stream thread) against an embedded broker in ")
        .append("the harness JVM (").append(PARTITIONS).append(" partitions). Its **floor** runs beside it in ")
        .append("another JVM (`").append(ServiceJvms.HEAP).append("`): a plain `KafkaConsumer` (read_committed, ")
        .append("1000 records a poll) of the same topics that only parses each record's OTLP protobuf with ")
        .append("protobuf-java and counts the spans and log records in it; a third JVM runs the same consumer ")
        .append("without parsing anything (*consume only*: what reading the records costs at all). CPU time of each ")
        .append("is read from `/proc/<pid>/stat`.\n\n");
    md.append("**Throughput.** Each round writes a backlog of ").append(invocations)
        .append(" invocations of ").append(FUNCTIONS).append(" functions to Kafka, as the collector writes them ")
        .append("(one resource a record); the processor reads it, then the floor, then the consume-only floor, each ")
        .append("alone with the broker (readers running at once on 2 shared cores inflate each other's CPU time). ")
        .append("*span only*: one agent span a record, functions ")
        .append("without platform reports (each invocation decided on arrival); *span + platform events*: the span, ")
        .append("and on `otlp_logs` the invocation's `platform.start`, `platform.runtimeDone` and `platform.report` ")
        .append("in one record (the batch the agent's extension relays), joined per invocation. The processor is ")
        .append("done when its committed offsets (asked of the broker every 50 ms, which costs the processor nothing) ")
        .append("reach the end of both topics, and then `sum(faas_invocations_total)` on `/metrics` must count the ")
        .append("whole backlog; the floors are done when they have read every record. ").append(rounds).append(" round(s) after a warm-up of ")
        .append(warmupRounds).append(" backlog(s) of ").append(warmupInvocations)
        .append(" invocations of each workload, alternating as the rounds do: at least 3, and more until the JIT ")
        .append("compiler threads take under ").append(Fmt.num(JIT_SETTLED * 100, 0)).append(" % of the processor's CPU ")
        .append("in a backlog of either workload, at most ").append(MAX_WARMUP_ROUNDS).append(" (the last one: ")
        .append(Fmt.num(warmupJit * 100, 1)).append(" %); medians, with min–max.\n\n");
    md.append("| workload | processor invocations per CPU second | min–max | floor (parse) per CPU second ")
        .append("| min–max | consume only per CPU second | processor / floor | processor wall invocations/s ")
        .append("| of the processor's CPU: JIT compiler threads |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Map<Workload, List<Round>> byWorkload = new LinkedHashMap<>();
    for (Round r : measured) {
      byWorkload.computeIfAbsent(r.workload(), k -> new ArrayList<>()).add(r);
    }
    Map<Workload, Double> ratios = new java.util.EnumMap<>(Workload.class);
    byWorkload.forEach((w, list) -> {
      Stats p = Stats.of(list.stream().map(Round::processorPerCpu).toList());
      Stats fl = Stats.of(list.stream().map(Round::floorPerCpu).toList());
      Stats co = Stats.of(list.stream().map(Round::consumePerCpu).toList());
      Stats wall = Stats.of(list.stream().map(r -> r.invocations() / r.processorWall()).toList());
      Stats jit = Stats.of(list.stream().map(Round::jitShare).toList());
      ratios.put(w, p.median() / fl.median());
      md.append("| ").append(w.label)
          .append(" | ").append(Fmt.num(p.median(), 0)).append(" | ").append(p.range(0))
          .append(" | ").append(Fmt.num(fl.median(), 0)).append(" | ").append(fl.range(0))
          .append(" | ").append(Fmt.num(co.median(), 0))
          .append(" | ").append(Fmt.ratio(p.median() / fl.median()))
          .append(" | ").append(Fmt.num(wall.median(), 0))
          .append(" | ").append(Fmt.num(jit.median() * 100, 0)).append(" % |\n");
    });
    md.append("\n| ratio | value | target |\n|---|---:|---:|\n");
    ratios.forEach((w, ratio) -> md.append("| processor / floor (parse), ").append(w.label).append(" | ")
        .append(Fmt.ratio(ratio)).append(" | none set; higher is better |\n"));
    byWorkload.forEach((w, list) -> md.append("| processor invocations per CPU second, ").append(w.label).append(" | ")
        .append(Fmt.num(Stats.of(list.stream().map(Round::processorPerCpu).toList()).median(), 0))
        .append(" | ≥ 40,000 |\n"));
    md.append("\nProcessor CPU while idle (no input; commits, punctuators, polls): ")
        .append(Fmt.num(idlePerSecond, 3)).append(" CPU s per second, included in the figures above. One scrape of ")
        .append("`/metrics` (").append(FUNCTIONS).append(" functions) costs the processor ")
        .append(Fmt.num(scrapeCpu * 1000, 1)).append(" ms of CPU, not included: a fixed cost per scrape interval, ")
        .append("whatever the rate. ")
        .append("The wall rate is bounded by the 2 shared cores, which the broker and the writer use at the same ")
        .append("time; the per-CPU-second figures are each process's own cost, and move with the machine's load ")
        .append("(the floors' with it): the ratio is the steadier figure. The last column is the part of the ")
        .append("processor's CPU its JIT compiler threads used during the rounds (from `/proc/<pid>/task/*/stat`, ")
        .append("included in the figures above): what is left of compiling (and recompiling) the Kafka clients' and ")
        .append("the processor's less frequent paths (commits, changelog sends, scrapes) once the warm-up is over; ")
        .append("a JVM running for days has long stopped paying it.\n\n");
    md.append("**Freshness.** A real collector (harness JVM) takes a steady ").append(Fmt.num(rate, 0))
        .append(" invocations/s of ").append(FUNCTIONS)
        .append(" functions (one span per request, as agents send them); meanwhile ").append(probes)
        .append(" probe invocations of `").append(PROBE_FUNCTION)
        .append("`, one at a time: from the collector's 200 to `faas_invocations_total{function=\"")
        .append(PROBE_FUNCTION).append("\"}` changing on the processor's `/metrics` (polled every 10 ms).\n\n");
    md.append("| probes | p50 ms | p90 ms | p99 ms | max ms | background requests answered 2xx | refused | ")
        .append("unanswered | not sent (load client behind) | failed |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    md.append("| ").append(f.count())
        .append(" | ").append(Fmt.num(f.percentile(50), 0))
        .append(" | ").append(Fmt.num(f.percentile(90), 0))
        .append(" | ").append(Fmt.num(f.percentile(99), 0))
        .append(" | ").append(Fmt.num(f.max(), 0))
        .append(" | ").append(bg.okRequests())
        .append(" | ").append(bg.refused())
        .append(" | ").append(bg.unanswered())
        .append(" | ").append(bg.notSent())
        .append(" | ").append(bg.failed() - bg.unanswered() - bg.notSent()).append(" |\n\n");
    md.append("*Not sent*: the load client had every connection busy and as many requests waiting (the collector's ")
        .append("answers, which wait for Kafka's acknowledgement, were slower than the rate for a moment), so it ")
        .append("skipped a request rather than queue it; *failed*: a connection error or an unexpected status.\n\n");
    md.append("`/metrics` shows only committed state, so freshness is bounded below by the commit interval ")
        .append("(").append(COMMIT_INTERVAL_MS).append(" ms) plus the collector's Kafka ack and the consumer's fetch.\n");
    return md.toString();
  }
}
