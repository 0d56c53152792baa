package io.lambdascope.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdascope.benchmarks.internal.Fmt;
import io.lambdascope.benchmarks.internal.OtlpSink;
import io.lambdascope.benchmarks.internal.ProcessRun;
import io.lambdascope.benchmarks.internal.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-invocation cost of the instrumentation: JMH, {@code instrumented} and {@code bare} handler in
 * the same forked JVMs, with {@code -prof gc}; once with the Lambdascope agent, once with the
 * OpenTelemetry agent, both exporting every invocation to a loopback sink.
 */
final class InvocationOverheadBenchmark implements Benchmark {
  private static final String BENCHMARK = "io.lambdascope.benchmarks.jmh.HandlerBenchmark";

  private record Score(double microsPerOp, double errorMicros, double allocBytesPerOp) {}

  private record AgentRun(String name, String agentJar, Map<String, String> env) {}

  @Override
  public String name() {
    return "invocation-jmh";
  }

  @Override
  public String title() {
    return "Per invocation: JMH, instrumented vs bare handler, agent in direct mode";
  }

  @Override
  public String run(RunContext context) throws Exception {
    Workspace ws = context.workspace();
    ws.requireFile(ws.agentJar(), "mvn -B -q -pl agent package -DskipTests");
    List<String> jmhOptions =
        context.quick()
            ? List.of("-f", "1", "-wi", "1", "-w", "1s", "-i", "2", "-r", "1s")
            : List.of("-f", "2", "-wi", "3", "-w", "2s", "-i", "5", "-r", "2s");
    try (OtlpSink sink = OtlpSink.start()) {
      List<AgentRun> runs =
          List.of(
              new AgentRun("lambdascope", ws.agentJar().toString(), Map.of("LAMBDASCOPE_ENDPOINT", sink.endpoint())),
              new AgentRun(
                  "otel",
                  ws.otelAgentJar().toString(),
                  ColdStartBenchmark.otelEnv("otlp", sink.endpoint())));
      Map<String, Map<String, Score>> scores = new LinkedHashMap<>();
      Map<String, Long> spans = new LinkedHashMap<>();
      for (AgentRun run : runs) {
        long before = sink.spans();
        scores.put(run.name(), runJmh(context, ws, run, jmhOptions));
        spans.put(run.name(), sink.spans() - before);
      }
      return render(jmhOptions, scores, spans);
    }
  }

  private Map<String, Score> runJmh(RunContext context, Workspace ws, AgentRun run, List<String> options)
      throws Exception {
    Path json = Files.createTempFile(ws.workDir(), "jmh-" + run.name(), ".json");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(List.of(ws.javaBin().toString(), "-Xmx256m", "-cp", ws.harnessClasspath(), "org.openjdk.jmh.Main"));
    cmd.add(BENCHMARK);
    cmd.addAll(options);
    cmd.addAll(List.of("-prof", "gc", "-rf", "json", "-rff", json.toString()));
    cmd.addAll(List.of("-jvmArgs", "-Xmx256m -javaagent:" + run.agentJar()));
    Map<String, String> env = ColdStartBenchmark.lambdaEnv("bench-hello");
    env.putAll(run.env());
    context.progress("JMH with the %s agent", run.name());
    ProcessRun.Result r = ProcessRun.run(cmd, env, ws.workDir(), 900);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("JMH with " + run.name() + " failed: " + r.describeFailure());
    }
    Map<String, Score> result = new LinkedHashMap<>();
    for (JsonNode b : new ObjectMapper().readTree(json.toFile())) {
      String method = b.get("benchmark").asText();
      method = method.substring(method.lastIndexOf('.') + 1);
      JsonNode primary = b.get("primaryMetric");
      double alloc = Double.NaN;
      var secondary = b.get("secondaryMetrics").fields();
      while (secondary.hasNext()) {
        var e = secondary.next();
        if (e.getKey().endsWith("gc.alloc.rate.norm")) {
          alloc = e.getValue().get("score").asDouble();
        }
      }
      result.put(method, new Score(primary.get("score").asDouble(), primary.get("scoreError").asDouble(), alloc));
    }
    Files.deleteIfExists(json);
    if (!result.containsKey("bare") || !result.containsKey("instrumented")) {
      throw new IllegalStateException(
          "JMH with " + run.name() + " reported " + result.keySet() + ": " + r.describeFailure());
    }
    return result;
  }

  private static String render(List<String> options, Map<String, Map<String, Score>> scores, Map<String, Long> spans) {
    StringBuilder md = new StringBuilder();
    md.append("The agent here runs in *direct mode*, as outside Lambda or when the Extensions API does not answer: no extension, so it exports before the handler returns. As Lambda runs it, with its layer and extension, see the sections under the emulator. ")
        .append("`HandlerBenchmark` (average time per call, JMH 1.37, `-prof gc`): `instrumented` calls `HelloHandler`, ")
        .append("which `_HANDLER` names; `bare` calls `BareHelloHandler`, the same body in a class no agent matches. ")
        .append("Both run in the same forks, which start with the agent (`-jvmArgs \"-Xmx256m -javaagent:<agent>\"`), ")
        .append("and every instrumented call exports its span to a loopback OTLP sink that answers 200 ")
        .append("(Lambdascope: `LAMBDASCOPE_ENDPOINT`; OpenTelemetry: `OTEL_TRACES_EXPORTER=otlp`, http/protobuf, ")
        .append("metrics and logs exporters off). The export is synchronous in both agents ")
        .append("(telemetry must leave before the handler returns), so the figure includes a loopback HTTP round trip.\n\n");
    md.append("| agent | benchmark | µs/op | ± (99.9%) | alloc B/op | added µs/op | added B/op | spans the sink got |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    Map<String, double[]> added = new LinkedHashMap<>();
    scores.forEach(
        (agent, s) -> {
          Score bare = s.get("bare");
          Score inst = s.get("instrumented");
          double dt = inst.microsPerOp() - bare.microsPerOp();
          double da = inst.allocBytesPerOp() - bare.allocBytesPerOp();
          added.put(agent, new double[] {dt, da});
          row(md, agent, "bare", bare, "", "", "");
          row(md, agent, "instrumented", inst, Fmt.num(dt, 2), Fmt.num(da, 0), Long.toString(spans.get(agent)));
        });
    md.append("\n| ratio | value | target |\n|---|---:|---:|\n");
    ColdStartBenchmark.ratioRow(
        md,
        "added time per invocation: lambdascope / otel",
        added.get("lambdascope")[0] / added.get("otel")[0],
        "none set; lower is better");
    ColdStartBenchmark.ratioRow(
        md,
        "added allocation per invocation: lambdascope / otel",
        added.get("lambdascope")[1] / added.get("otel")[1],
        "none set; lower is better");
    return md.toString()
        + "\nJMH options: `"
        + String.join(" ", options)
        + " -prof gc`. Command: `java -cp <harness class path> org.openjdk.jmh.Main "
        + BENCHMARK
        + " <options> -jvmArgs \"-Xmx256m -javaagent:<agent>\"` with the Lambda environment of the cold-start benchmark.\n";
  }

  private static void row(StringBuilder md, String agent, String bench, Score s, String dt, String da, String spans) {
    md.append("| ")
        .append(agent)
        .append(" | ")
        .append(bench)
        .append(" | ")
        .append(Fmt.num(s.microsPerOp(), 3))
        .append(" | ")
        .append(Fmt.num(s.errorMicros(), 3))
        .append(" | ")
        .append(Fmt.num(s.allocBytesPerOp(), 0))
        .append(" | ")
        .append(dt)
        .append(" | ")
        .append(da)
        .append(" | ")
        .append(spans)
        .append(" |\n");
  }
}
