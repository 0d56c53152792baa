package io.lambdascope.benchmarks;

import io.lambdascope.benchmarks.internal.Fmt;
import io.lambdascope.benchmarks.internal.LocalCollector;
import io.lambdascope.benchmarks.internal.LocalKafka;
import io.lambdascope.benchmarks.internal.MetricsPage;
import io.lambdascope.benchmarks.internal.OtlpSink;
import io.lambdascope.benchmarks.internal.ProcessRun;
import io.lambdascope.benchmarks.internal.Stats;
import io.lambdascope.benchmarks.internal.Workspace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Cold start of a hello-world handler process under Lambda-like JVM flags: no agent, Lambdascope,
 * and the OpenTelemetry Java agent, interleaved round by round so that machine noise hits every
 * variant alike.
 */
final class ColdStartBenchmark implements Benchmark {
  /** The JVM flags of AWS Lambda's Java runtimes that matter for start-up. */
  static final List<String> LAMBDA_FLAGS =
      List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

  static final String HANDLER = "io.lambdascope.benchmarks.function.HelloHandler::handleRequest";
  static final String DRIVER = "io.lambdascope.benchmarks.function.ColdStartDriver";

  private record Variant(String name, String description, List<String> agentArgs, Map<String, String> env) {}

  private record Sample(double toReturnMs, double wallMs, double rssMb) {}

  @Override
  public String name() {
    return "coldstart";
  }

  @Override
  public String title() {
    return "Cold start: hello-world handler process, agent in direct mode";
  }

  /** The environment Lambda gives a function, shared by every variant. */
  static Map<String, String> lambdaEnv(String functionName) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("_HANDLER", HANDLER);
    env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
    env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[$LATEST]bench");
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    env.put("AWS_REGION", "us-east-1");
    return env;
  }

  static Map<String, String> otelEnv(String tracesExporter, String endpoint) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OTEL_TRACES_EXPORTER", tracesExporter);
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    if (endpoint != null) {
      env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
    }
    return env;
  }

  @Override
  public String run(RunContext context) throws Exception {
    Workspace ws = context.workspace();
    ws.requireFile(ws.agentJar(), "mvn -B -q -pl agent package -DskipTests");
    ws.requireFile(ws.otelAgentJar(), "built by the benchmarks module");
    int rounds = context.pick(2, 15);

    try (OtlpSink sink = OtlpSink.start();
        LocalKafka kafka = LocalKafka.start(ws.workDir(), 1);
        LocalCollector collector = LocalCollector.start(kafka.bootstrapServers(), Map.of())) {
      String ls = "-javaagent:" + ws.agentJar();
      String otel = "-javaagent:" + ws.otelAgentJar();
      List<Variant> variants =
          List.of(
              new Variant("none", "no agent", List.of(), Map.of()),
              new Variant(
                  "lambdascope",
                  "Lambdascope agent, exporting to a loopback OTLP sink that answers 200",
                  List.of(ls),
                  Map.of("LAMBDASCOPE_ENDPOINT", sink.endpoint())),
              new Variant(
                  "lambdascope→collector",
                  "Lambdascope agent, exporting to a real Lambdascope collector (embedded Kafka, acks=all)",
                  List.of(ls),
                  Map.of("LAMBDASCOPE_ENDPOINT", collector.endpoint())),
              new Variant(
                  "otel-off",
                  "OpenTelemetry Java agent 2.33.1, exporters off",
                  List.of(otel),
                  otelEnv("none", null)),
              new Variant(
                  "otel→collector",
                  "OpenTelemetry Java agent 2.33.1, OTLP http/protobuf to the Lambdascope collector",
                  List.of(otel),
                  otelEnv("otlp", collector.endpoint())));

      Map<String, List<Sample>> samples = new LinkedHashMap<>();
      variants.forEach(v -> samples.put(v.name(), new ArrayList<>()));
      Random shuffle = new Random(42);
      // Round 0 warms the page cache and the collector; it is not recorded.
      for (int round = 0; round <= rounds; round++) {
        List<Variant> order = new ArrayList<>(variants);
        Collections.shuffle(order, shuffle);
        for (Variant v : order) {
          Sample s = runOnce(ws, v);
          if (round > 0) {
            samples.get(v.name()).add(s);
          }
        }
        context.progress("cold start round %d/%d done", round, rounds);
      }
      long sinkSpans = sink.spans();
      double collectorSpans =
          MetricsPage.sumSeries(
              MetricsPage.get(collector.endpoint() + "/metrics"),
              "lambdascope_collector_items_accepted_total",
              "signal=\"traces\"");
      return render(ws, rounds, variants, samples, sinkSpans, collectorSpans);
    }
  }

  private Sample runOnce(Workspace ws, Variant v) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ws.javaBin().toString());
    cmd.addAll(LAMBDA_FLAGS);
    cmd.addAll(v.agentArgs());
    cmd.addAll(List.of("-cp", ws.functionClasspath(), DRIVER));
    Map<String, String> env = lambdaEnv("bench-hello");
    env.putAll(v.env());
    ProcessRun.Result r = ProcessRun.run(cmd, env, ws.workDir(), 120);
    if (r.exitCode() != 0 || !r.stdout().contains("result hello bench")) {
      throw new IllegalStateException("cold start run '" + v.name() + "' failed: " + r.describeFailure());
    }
    long done = r.longAfter("done").orElseThrow();
    return new Sample(done - r.spawnEpochMillis(), r.wallNanos() / 1e6, r.peakRssKb() / 1024.0);
  }

  private static String render(
      Workspace ws,
      int rounds,
      List<Variant> variants,
      Map<String, List<Sample>> samples,
      long sinkSpans,
      double collectorSpans) {
    StringBuilder md = new StringBuilder();
    md.append("The agent here runs in *direct mode*, as outside Lambda or when the Extensions API does not answer: no extension, so it exports before the handler returns. As Lambda runs it, with its layer and extension, see the sections under the emulator. ")
        .append("One invocation of `HelloHandler` in a fresh JVM, driven by `ColdStartDriver` (the same handler, ")
        .append("driver and Lambda environment variables for every variant). JVM flags: `")
        .append(String.join(" ", LAMBDA_FLAGS))
        .append("`. ")
        .append(rounds)
        .append(" interleaved rounds (order shuffled each round), after one discarded warm-up round. ")
        .append("*To return*: from process spawn to the handler's return, as the driver reports it ")
        .append("(what Lambda bills as init + first invocation; JVM exit left out). *Process*: spawn to exit. ")
        .append("Peak RSS: `/usr/bin/time -f %M`. *Added*: median of the per-round differences to `none`.\n\n");
    md.append("| variant | to return, median ms | p25–p75 | added ms | process, median ms | peak RSS, median MB | added RSS MB |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|\n");
    List<Sample> none = samples.get("none");
    Map<String, Double> addedMs = new LinkedHashMap<>();
    Map<String, Double> addedRss = new LinkedHashMap<>();
    for (Variant v : variants) {
      List<Sample> s = samples.get(v.name());
      Stats toReturn = Stats.of(s.stream().map(Sample::toReturnMs).toList());
      Stats wall = Stats.of(s.stream().map(Sample::wallMs).toList());
      Stats rss = Stats.of(s.stream().map(Sample::rssMb).toList());
      List<Double> dt = new ArrayList<>();
      List<Double> dr = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        dt.add(s.get(i).toReturnMs() - none.get(i).toReturnMs());
        dr.add(s.get(i).rssMb() - none.get(i).rssMb());
      }
      addedMs.put(v.name(), Stats.of(dt).median());
      addedRss.put(v.name(), Stats.of(dr).median());
      md.append("| ")
          .append(v.name())
          .append(" | ")
          .append(Fmt.num(toReturn.median(), 0))
          .append(" | ")
          .append(toReturn.iqr(0))
          .append(" | ")
          .append(Fmt.num(addedMs.get(v.name()), 0))
          .append(" | ")
          .append(Fmt.num(wall.median(), 0))
          .append(" | ")
          .append(Fmt.num(rss.median(), 1))
          .append(" | ")
          .append(Fmt.num(addedRss.get(v.name()), 1))
          .append(" |\n");
    }
    md.append("\n**Ratios** (targets from issue 3):\n\n");
    md.append("| ratio | value | target |\n|---|---:|---:|\n");
    ratioRow(md, "added time: lambdascope / otel-off", addedMs.get("lambdascope") / addedMs.get("otel-off"), "≤ 0.05 (1/20)");
    ratioRow(md, "added peak RSS: lambdascope / otel-off", addedRss.get("lambdascope") / addedRss.get("otel-off"), "≤ 0.1 (1/10)");
    ratioRow(
        md,
        "added time: lambdascope→collector / otel→collector",
        addedMs.get("lambdascope→collector") / addedMs.get("otel→collector"),
        "≤ 0.05 (1/20)");
    ratioRow(
        md,
        "added peak RSS: lambdascope→collector / otel→collector",
        addedRss.get("lambdascope→collector") / addedRss.get("otel→collector"),
        "≤ 0.1 (1/10)");
    md.append("\nCheck that the agents really exported: the sink counted ")
        .append(sinkSpans)
        .append(" spans (")
        .append(rounds + 1)
        .append(" expected from `lambdascope`); the collector accepted ")
        .append(Fmt.num(collectorSpans, 0))
        .append(" spans (")
        .append(2 * (rounds + 1))
        .append(" expected: one per run of `lambdascope→collector` and `otel→collector`).\n\n");
    md.append("Variants:\n\n");
    for (Variant v : variants) {
      md.append("- `").append(v.name()).append("`: ").append(v.description());
      if (!v.env().isEmpty()) {
        md.append("; env ");
        v.env().forEach((k, val) -> md.append('`').append(k).append('=').append(portless(val)).append("` "));
      }
      md.append('\n');
    }
    md.append("\nCommand (per variant, `<agent>` being `-javaagent:agent/target/lambdascope-agent.jar` or ")
        .append("`-javaagent:benchmarks/target/bench-lib/opentelemetry-javaagent.jar`), with `_HANDLER=")
        .append(HANDLER)
        .append("`, `AWS_LAMBDA_FUNCTION_NAME=bench-hello` and the other Lambda variables set:\n\n```\n")
        .append("/usr/bin/time -f %M java ")
        .append(String.join(" ", LAMBDA_FLAGS))
        .append(" [<agent>] -cp benchmarks/target/")
        .append(ws.functionJar().getFileName())
        .append(":benchmarks/target/bench-lib/lambdascope-test-support.jar")
        .append(":benchmarks/target/bench-lib/aws-lambda-java-core.jar ")
        .append(DRIVER)
        .append("\n```\n");
    return md.toString();
  }

  private static String portless(String value) {
    return value.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:<port>");
  }

  static void ratioRow(StringBuilder md, String name, double value, String target) {
    md.append("| ").append(name).append(" | ").append(Fmt.ratio(value)).append(" | ").append(target).append(" |\n");
  }
}
