package io.lambdascope.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdascope.benchmarks.internal.Fmt;
import io.lambdascope.benchmarks.internal.OtlpSink;
import io.lambdascope.benchmarks.internal.Stats;
import io.lambdascope.benchmarks.internal.Workspace;
import io.lambdascope.emulator.Emulator;
import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.kafka.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Cold start under the official AWS runtime interface client, in the emulator: init duration as
 * the platform reports it ({@code platform.initReport}, and {@code initDurationMs} of the cold
 * invocation's {@code platform.report}), without an agent, with Lambdascope and with the
 * OpenTelemetry agent (exporters off), each attached through {@code JAVA_TOOL_OPTIONS} as a layer
 * would be.
 */
final class EmulatorColdStartBenchmark implements Benchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HANDLER = "io.lambdascope.benchmarks.function.HelloHandler::handleRequest";

  private record Variant(String name, String description, Map<String, String> environment) {}

  private record Sample(double initMs, double reportInitMs, double invokeMs) {}

  @Override
  public String name() {
    return "emulator-coldstart";
  }

  @Override
  public String title() {
    return "Cold start under the AWS runtime interface client (emulator)";
  }

  @Override
  public String run(RunContext context) throws Exception {
    Workspace ws = context.workspace();
    ws.requireFile(ws.agentJar(), "mvn -B -q -pl agent package -DskipTests");
    int rounds = context.pick(2, 10);
    Map<String, String> otel = new LinkedHashMap<>(ColdStartBenchmark.otelEnv("none", null));
    otel.put("JAVA_TOOL_OPTIONS", "-javaagent:" + ws.otelAgentJar());
    List<Variant> variants =
        List.of(
            new Variant("none", "no agent", Map.of()),
            new Variant(
                "lambdascope",
                "Lambdascope agent, exporting to a loopback sink that answers 200",
                Map.of("JAVA_TOOL_OPTIONS", "-javaagent:" + ws.agentJar())),
            new Variant("otel-off", "OpenTelemetry Java agent 2.33.1, exporters off", otel));

    try (OtlpSink sink = OtlpSink.start()) {
      // One function per variant and round, so that every invocation is a cold start.
      StringBuilder yaml = new StringBuilder("functions:\n");
      for (int r = 0; r <= rounds; r++) {
        for (Variant v : variants) {
          yaml.append("  - name: ").append(functionName(v, r)).append('\n');
          yaml.append("    jar: ").append(ws.functionJar()).append('\n');
          yaml.append("    handler: ").append(HANDLER).append('\n');
          yaml.append("    memory: 512\n    timeout: 60s\n    reservedConcurrency: 1\n");
          if (!v.environment().isEmpty()) {
            yaml.append("    environment:\n");
            v.environment().forEach((k, val) -> yaml.append("      ").append(k).append(": \"").append(val).append("\"\n"));
          }
        }
      }
      Path functions = Files.createTempFile(ws.workDir(), "functions", ".yaml");
      Files.writeString(functions, yaml);
      Path logs = Files.createTempDirectory(ws.workDir(), "emulator-logs");
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("LAMBDASCOPE_FUNCTIONS", functions.toString());
      settings.put("LAMBDASCOPE_INVOKE_PORT", Integer.toString(EmbeddedKafka.freePort()));
      settings.put("LAMBDASCOPE_SQS_PORT", Integer.toString(EmbeddedKafka.freePort()));
      settings.put("LAMBDASCOPE_ENDPOINT", sink.endpoint());
      settings.put("LAMBDASCOPE_PLATFORM_EVENTS", "true");
      settings.put("LAMBDASCOPE_IDLE_RECLAIM", "2s");
      settings.put("LAMBDASCOPE_EMULATOR_LOG_DIR", logs.toString());

      Map<String, List<Sample>> samples = new LinkedHashMap<>();
      variants.forEach(v -> samples.put(v.name(), new ArrayList<>()));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      try (Emulator emulator = Emulator.start(EmulatorConfig.fromSettings(settings))) {
        for (int r = 0; r <= rounds; r++) {
          List<Variant> order = new ArrayList<>(variants);
          java.util.Collections.rotate(order, r); // vary who goes first
          for (Variant v : order) {
            String fn = functionName(v, r);
            long start = System.nanoTime();
            HttpResponse<String> response =
                http.send(
                    HttpRequest.newBuilder(
                            URI.create(emulator.invokeEndpoint() + "/2015-03-31/functions/" + fn + "/invocations"))
                        .timeout(Duration.ofSeconds(120))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            double invokeMs = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200
                || response.headers().firstValue("X-Amz-Function-Error").isPresent()
                || !response.body().contains("hello bench")) {
              throw new IllegalStateException(
                  fn + " answered " + response.statusCode() + ": " + response.body() + " (logs in " + logs + ")");
            }
            double init = awaitPlatformMetric(sink, fn, "platform.initReport", "durationMs");
            double reportInit = awaitPlatformMetric(sink, fn, "platform.report", "initDurationMs");
            if (r > 0) {
              samples.get(v.name()).add(new Sample(init, reportInit, invokeMs));
            }
          }
          context.progress("emulator cold start round %d/%d done", r, rounds);
        }
      }
      return render(rounds, variants, samples);
    }
  }

  private static String functionName(Variant v, int round) {
    return "cold-" + v.name() + "-" + round;
  }

  /** Waits for the emulator to post {@code type} for {@code function} and returns {@code record.metrics.<metric>}. */
  private static double awaitPlatformMetric(OtlpSink sink, String function, String type, String metric)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      OptionalDouble found = find(sink, function, type, metric);
      if (found.isPresent()) {
        return found.getAsDouble();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no " + type + " with " + metric + " for " + function + " within 30 s");
  }

  private static OptionalDouble find(OtlpSink sink, String function, String type, String metric) throws Exception {
    for (OtlpSink.PlatformBatch batch : sink.platformBatches()) {
      if (!function.equals(batch.function())) {
        continue;
      }
      for (JsonNode event : JSON.readTree(batch.body())) {
        JsonNode value = event.path("record").path("metrics").path(metric);
        if (type.equals(event.path("type").asText()) && value.isNumber()) {
          return OptionalDouble.of(value.asDouble());
        }
      }
    }
    return OptionalDouble.empty();
  }

  private static String render(int rounds, List<Variant> variants, Map<String, List<Sample>> samples) {
    StringBuilder md = new StringBuilder();
    md.append("The emulator (module `emulator/`) starts each execution environment as a JVM running the official ")
        .append("runtime interface client (`com.amazonaws.services.lambda.runtime.api.client.AWSLambda`, its ")
        .append("Lambda-like flags: `-Xmx435m -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC`), ")
        .append("with `HelloHandler` from the function jar. One function per variant and round, so every invocation ")
        .append("is a cold start; agents attached with `JAVA_TOOL_OPTIONS=-javaagent:<jar>` in the function's ")
        .append("environment, as a Lambda layer does. *Init*: `platform.initReport` `durationMs` (JVM start to the ")
        .append("runtime's first `next`), *report init*: `initDurationMs` of the cold invocation's `platform.report`, ")
        .append("both as the emulator posts them; *invoke*: the client's round trip of the cold Invoke API call ")
        .append("(init + invocation). ")
        .append(rounds)
        .append(" rounds after one discarded warm-up round, the order rotated each round.\n\n");
    md.append("| variant | init, median ms | p25–p75 | added ms | report init, median ms | cold invoke, median ms |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    List<Sample> none = samples.get("none");
    Map<String, Double> added = new LinkedHashMap<>();
    for (Variant v : variants) {
      List<Sample> s = samples.get(v.name());
      Stats init = Stats.of(s.stream().map(Sample::initMs).toList());
      List<Double> diff = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        diff.add(s.get(i).initMs() - none.get(i).initMs());
      }
      added.put(v.name(), Stats.of(diff).median());
      md.append("| ")
          .append(v.name())
          .append(" | ")
          .append(Fmt.num(init.median(), 0))
          .append(" | ")
          .append(init.iqr(0))
          .append(" | ")
          .append(Fmt.num(added.get(v.name()), 0))
          .append(" | ")
          .append(Fmt.num(Stats.of(s.stream().map(Sample::reportInitMs).toList()).median(), 0))
          .append(" | ")
          .append(Fmt.num(Stats.of(s.stream().map(Sample::invokeMs).toList()).median(), 0))
          .append(" |\n");
    }
    md.append("\n| ratio | value | target |\n|---|---:|---:|\n");
    ColdStartBenchmark.ratioRow(
        md, "added init: lambdascope / otel-off", added.get("lambdascope") / added.get("otel-off"), "≤ 0.05 (1/20)");
    md.append("\nVariants: ");
    for (Variant v : variants) {
      md.append("`").append(v.name()).append("` ").append(v.description()).append("; ");
    }
    md.setLength(md.length() - 2);
    md.append(".\n");
    return md.toString();
  }
}
