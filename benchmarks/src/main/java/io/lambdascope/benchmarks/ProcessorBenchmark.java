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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The processor in a JVM of its own: invocations it decides per CPU second when Kafka holds a
 * backlog of spans, and freshness (collector's 200 to the counter's change on /metrics) at a
 * steady load.
 */
final class ProcessorBenchmark implements Benchmark {
  private static final int FUNCTIONS = 20;
  private static final int PARTITIONS = 3;
  private static final String PROBE_FUNCTION = "bench-probe";

  @Override
  public String name() {
    return "processor";
  }

  @Override
  public String title() {
    return "Processor: invocations per CPU second, and freshness";
  }

  @Override
  public String run(RunContext context) throws Exception {
    int invocations = context.pick(5_000, 50_000);
    int probes = context.pick(8, 40);
    double steadyRate = 100;
    SpanFactory factory = new SpanFactory(11);

    try (LocalKafka kafka = LocalKafka.start(context.workspace().workDir(), PARTITIONS);
        ChildJvm processor =
            ServiceJvms.start(
                context, "processor", kafka.bootstrapServers(), Map.of("LAMBDASCOPE_TOPIC_PARTITIONS", "" + PARTITIONS))) {
      ProcessorProbe probe = new ProcessorProbe(processor.readyValue("processor"));
      probe.awaitReady(Duration.ofSeconds(120));
      context.progress("processor: ready");

      // Throughput: a backlog of single-span records, as the collector writes agent exports.
      context.progress("processor: writing %d invocations to otlp_spans", invocations);
      double cpu0 = processor.cpuSeconds();
      long t0 = System.nanoTime();
      try (Producer<byte[], byte[]> producer =
          new KafkaProducer<>(CollectorThroughputBenchmark.producerSettings(kafka.bootstrapServers()))) {
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < invocations; i++) {
          String fn = SpanFactory.functionName(i % FUNCTIONS);
          producer.send(
              new ProducerRecord<>(
                  "otlp_spans", fn.getBytes(StandardCharsets.UTF_8), factory.request(fn, 1, now + i).toByteArray()));
        }
      }
      boolean done = probe.awaitInvocations(null, invocations, Duration.ofMinutes(5), Duration.ofMillis(200));
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu = processor.cpuSeconds() - cpu0;
      double counted = probe.invocations(null);
      if (!done) {
        throw new IllegalStateException("processor counted " + counted + " of " + invocations + " invocations in 5 min");
      }
      context.progress("processor: %d invocations in %.1f s, %.1f CPU s", invocations, seconds, cpu);

      // Freshness at a steady background load through a real collector.
      List<Double> freshness = new ArrayList<>();
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
        LoadClient.Outcome bg = steady.get();
        Stats f = Stats.of(freshness);
        return render(invocations, seconds, cpu, probes, steadyRate, f, bg);
      }
    }
  }

  private static String render(
      int invocations, double seconds, double cpu, int probes, double rate, Stats f, LoadClient.Outcome bg) {
    StringBuilder md = new StringBuilder();
    md.append("The processor runs alone in its own JVM (`")
        .append(ServiceJvms.HEAP)
        .append("`, defaults: exactly-once, commit interval 100 ms, 1 stream thread) against an embedded broker ")
        .append("in the harness JVM (")
        .append(PARTITIONS)
        .append(" partitions); its CPU time is read from `/proc/<pid>/stat`.\n\n");
    md.append("**Throughput.** ")
        .append(invocations)
        .append(" invocations of ")
        .append(FUNCTIONS)
        .append(" functions, written straight to `otlp_spans` as the collector writes agent exports (one resource, ")
        .append("one span per record; functions that send no platform reports, so each span is decided on ")
        .append("arrival), counted when `sum(faas_invocations_total)` on `/metrics` (polled every 200 ms) reached ")
        .append("the total.\n\n");
    md.append("| invocations | wall s | invocations/s (wall) | processor CPU s | invocations per CPU second (per core) |\n");
    md.append("|---:|---:|---:|---:|---:|\n");
    md.append("| ")
        .append(invocations)
        .append(" | ")
        .append(Fmt.num(seconds, 1))
        .append(" | ")
        .append(Fmt.num(invocations / seconds, 0))
        .append(" | ")
        .append(Fmt.num(cpu, 1))
        .append(" | ")
        .append(Fmt.num(invocations / cpu, 0))
        .append(" |\n\n");
    md.append("The wall rate is bounded by the 2 shared cores, which the broker and the writer in the harness JVM ")
        .append("use too; the per-CPU-second figure is the processor's own cost.\n\n");
    md.append("**Freshness.** A real collector (harness JVM) takes a steady ")
        .append(Fmt.num(rate, 0))
        .append(" invocations/s of ")
        .append(FUNCTIONS)
        .append(" functions (one span per request, as agents send them); meanwhile ")
        .append(probes)
        .append(" probe invocations of `")
        .append(PROBE_FUNCTION)
        .append("`, one at a time: from the collector's 200 to `faas_invocations_total{function=\"")
        .append(PROBE_FUNCTION)
        .append("\"}` changing on the processor's `/metrics` (polled every 10 ms).\n\n");
    md.append("| probes | p50 ms | p90 ms | p99 ms | max ms | background requests answered 2xx | refused | failed |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    md.append("| ")
        .append(f.count())
        .append(" | ")
        .append(Fmt.num(f.percentile(50), 0))
        .append(" | ")
        .append(Fmt.num(f.percentile(90), 0))
        .append(" | ")
        .append(Fmt.num(f.percentile(99), 0))
        .append(" | ")
        .append(Fmt.num(f.max(), 0))
        .append(" | ")
        .append(bg.okRequests())
        .append(" | ")
        .append(bg.refused())
        .append(" | ")
        .append(bg.failed())
        .append(" |\n\n");
    md.append("There is no third-party baseline for these two figures (nothing else turns Lambda spans into these ")
        .append("metrics); the freshness floor is set by the commit interval (exactly-once: records become visible ")
        .append("to the processor's consumer only after the collector's Kafka ack) and the processor's 250 ms ")
        .append("decision punctuator.\n");
    return md.toString();
  }
}
