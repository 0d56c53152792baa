package io.lambdascope.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lambdascope.benchmarks.internal.ChildJvm;
import io.lambdascope.benchmarks.internal.Fmt;
import io.lambdascope.benchmarks.internal.LoadClient;
import io.lambdascope.benchmarks.internal.LoadClient.Outcome;
import io.lambdascope.benchmarks.internal.LoadClient.Payload;
import io.lambdascope.benchmarks.internal.LocalKafka;
import io.lambdascope.benchmarks.internal.ProcessorProbe;
import io.lambdascope.benchmarks.internal.SpanFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * CPU seconds of collector + processor (one JVM, as {@code lambdascope all} runs them) per 1000
 * invocations, fed at a steady rate with what a demo's functions send: one agent span per
 * invocation and the platform events (start, runtimeDone, report) in Telemetry API batches.
 */
final class EndToEndBenchmark implements Benchmark {
  private static final int FUNCTIONS = 10;
  private static final int EVENTS_BATCH = 10;
  private static final int PARTITIONS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "end-to-end";
  }

  @Override
  public String title() {
    return "End to end: CPU of collector + processor per 1000 invocations";
  }

  @Override
  public String run(RunContext context) throws Exception {
    double rate = 100;
    int seconds = context.pick(10, 60);
    int invocations = (int) rate * seconds;
    SpanFactory factory = new SpanFactory(13);

    // Pre-encoded traffic: spans in invocation order; per function, one platform batch per EVENTS_BATCH invocations.
    List<Payload> spans = new ArrayList<>(invocations);
    List<Payload> platform = new ArrayList<>();
    List<List<String>> pendingIds = new ArrayList<>();
    for (int f = 0; f < FUNCTIONS; f++) {
      pendingIds.add(new ArrayList<>());
    }
    long startNanos = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < invocations; i++) {
      int f = i % FUNCTIONS;
      String fn = "bench-e2e-" + f;
      String id = UUID.randomUUID().toString();
      long at = startNanos + i * 10_000_000L;
      spans.add(new Payload(factory.request(fn, factory.span(fn, at, id)).toByteArray(), 1));
      pendingIds.get(f).add(id);
      if (pendingIds.get(f).size() == EVENTS_BATCH) {
        platform.add(platformBatch(fn, pendingIds.get(f), at));
        pendingIds.get(f).clear();
      }
    }

    try (LocalKafka kafka = LocalKafka.start(context.workspace().workDir(), PARTITIONS);
        ChildJvm services =
            ServiceJvms.start(
                context,
                "collector,processor",
                kafka.bootstrapServers(),
                Map.of("LAMBDASCOPE_TOPIC_PARTITIONS", "" + PARTITIONS))) {
      String collector = "http://127.0.0.1:" + services.readyValue("collector");
      ProcessorProbe probe = new ProcessorProbe(services.readyValue("processor"));
      probe.awaitReady(Duration.ofSeconds(120));
      // What the pair costs doing nothing, so the load's own cost can be told apart.
      double idle0 = services.cpuSeconds();
      Thread.sleep(5000);
      double idlePerSecond = (services.cpuSeconds() - idle0) / 5.0;
      context.progress("end-to-end: idle %.3f CPU s/s; sending %d invocations at %.0f/s", idlePerSecond, invocations, rate);

      double cpu0 = services.cpuSeconds();
      long t0 = System.nanoTime();
      Outcome spanOutcome;
      Outcome platformOutcome;
      try (LoadClient spanClient = new LoadClient(collector + "/v1/traces", "application/x-protobuf", 16);
          LoadClient platformClient = new LoadClient(collector + "/v1/lambda/telemetry", "application/json", 4)) {
        CompletableFuture<Outcome> platformSent =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return platformClient.openLoop(platform, platform.size() / (double) seconds, Duration.ofSeconds(seconds));
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
        spanOutcome = spanClient.openLoop(spans, rate, Duration.ofSeconds(seconds));
        platformOutcome = platformSent.get();
      }
      boolean all = probe.awaitInvocations(null, invocations, Duration.ofSeconds(120), Duration.ofMillis(500));
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = services.cpuSeconds() - cpu0;
      double counted = probe.invocations(null);
      if (!all) {
        throw new IllegalStateException("the processor counted " + counted + " of " + invocations + " invocations");
      }
      double perThousand = cpu / invocations * 1000;
      double netPerThousand = (cpu - idlePerSecond * wall) / invocations * 1000;

      StringBuilder md = new StringBuilder();
      md.append("Collector and processor in one JVM (`ServiceMain collector,processor`, `")
          .append(ServiceJvms.HEAP)
          .append("`, defaults), as `lambdascope all` runs them, against an embedded broker in the harness JVM ")
          .append("(its CPU is not counted). Fed over HTTP with recorded-style traffic, not by live agents: ")
          .append(invocations)
          .append(" invocations of ")
          .append(FUNCTIONS)
          .append(" functions at ")
          .append(Fmt.num(rate, 0))
          .append("/s for ")
          .append(seconds)
          .append(" s, each one agent span (one OTLP request, as the agent exports) plus `platform.start`, ")
          .append("`platform.runtimeDone` and `platform.report` events posted to `/v1/lambda/telemetry` in batches ")
          .append("of ")
          .append(EVENTS_BATCH)
          .append(" invocations per function, as the Telemetry API buffers them. Measured from the first request ")
          .append("until `sum(faas_invocations_total)` reached the total (both halves of every invocation decided). ")
          .append("CPU: user + system time of the service JVM from `/proc/<pid>/stat`.\n\n");
      md.append("| invocations | wall s | CPU s | CPU s per 1000 invocations | idle CPU s/s | per 1000, net of idle | span requests 2xx | platform requests 2xx | refused/failed |\n");
      md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      md.append("| ")
          .append(invocations)
          .append(" | ")
          .append(Fmt.num(wall, 1))
          .append(" | ")
          .append(Fmt.num(cpu, 2))
          .append(" | ")
          .append(Fmt.num(perThousand, 3))
          .append(" | ")
          .append(Fmt.num(idlePerSecond, 3))
          .append(" | ")
          .append(Fmt.num(netPerThousand, 3))
          .append(" | ")
          .append(spanOutcome.okRequests())
          .append(" | ")
          .append(platformOutcome.okRequests())
          .append(" | ")
          .append(spanOutcome.refused() + platformOutcome.refused())
          .append("/")
          .append(spanOutcome.failed() + platformOutcome.failed())
          .append(" |\n\n");
      md.append("For scale: at this rate the pair uses ")
          .append(Fmt.num(cpu / wall * 100, 0))
          .append("% of one core. No baseline runs here: the alternative (an OpenTelemetry Collector plus a ")
          .append("metrics pipeline) is not installable on this machine.\n");
      return md.toString();
    }
  }

  static Payload platformBatch(String function, List<String> requestIds, long atNanos) {
    ArrayNode events = JSON.createArrayNode();
    String time = Instant.ofEpochSecond(0, atNanos).toString();
    for (String id : requestIds) {
      ObjectNode start = events.addObject().put("time", time).put("type", "platform.start");
      start.putObject("record").put("requestId", id).put("version", "$LATEST");
      ObjectNode done = events.addObject().put("time", time).put("type", "platform.runtimeDone");
      ObjectNode doneRecord = done.putObject("record").put("requestId", id).put("status", "success");
      doneRecord.putObject("metrics").put("durationMs", 42.5).put("producedBytes", 12);
      ObjectNode report = events.addObject().put("time", time).put("type", "platform.report");
      ObjectNode reportRecord = report.putObject("record").put("requestId", id).put("status", "success");
      reportRecord
          .putObject("metrics")
          .put("durationMs", 43.1)
          .put("billedDurationMs", 44)
          .put("memorySizeMB", 512)
          .put("maxMemoryUsedMB", 118);
    }
    try {
      return new Payload(
          JSON.writeValueAsBytes(events), events.size(), Map.of("X-Lambdascope-Function", function));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
