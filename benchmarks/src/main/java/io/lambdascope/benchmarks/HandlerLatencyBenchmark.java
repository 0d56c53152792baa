package io.lambdascope.benchmarks;

import io.lambdascope.benchmarks.internal.Fmt;
import io.lambdascope.benchmarks.internal.LocalCollector;
import io.lambdascope.benchmarks.internal.LocalKafka;
import io.lambdascope.benchmarks.internal.MetricsPage;
import io.lambdascope.benchmarks.internal.ProcessRun;
import io.lambdascope.benchmarks.internal.SilentServer;
import io.lambdascope.benchmarks.internal.Stats;
import io.lambdascope.benchmarks.internal.Workspace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Added handler latency as the runtime sees it (the export happens before the handler returns)
 * with the collector healthy on loopback, refusing connections, and accepting but never answering;
 * Lambdascope against the OpenTelemetry agent in the same three cases.
 */
final class HandlerLatencyBenchmark implements Benchmark {
  private static final String DRIVER = "io.lambdascope.benchmarks.function.LatencyDriver";

  private record Case(String agent, String collector, String agentArg, Map<String, String> env, int invocations) {
    String key() {
      return agent + "/" + collector;
    }
  }

  @Override
  public String name() {
    return "handler-latency";
  }

  @Override
  public String title() {
    return "Per invocation: added handler latency, agent in direct mode, collector healthy, refusing, silent";
  }

  @Override
  public String run(RunContext context) throws Exception {
    Workspace ws = context.workspace();
    ws.requireFile(ws.agentJar(), "mvn -B -q -pl agent package -DskipTests");
    int rounds = context.pick(1, 2);
    int fast = context.pick(20, 60);
    // The OpenTelemetry agent stalls about 10 s per invocation when its collector is down:
    // a few invocations tell the story.
    int stalled = context.pick(1, 3);
    try (LocalKafka kafka = LocalKafka.start(ws.workDir(), 1);
        LocalCollector collector = LocalCollector.start(kafka.bootstrapServers(), Map.of());
        SilentServer silent = SilentServer.start()) {
      String refused = SilentServer.refusingEndpoint();
      Map<String, String> endpoints = new LinkedHashMap<>();
      endpoints.put("loopback collector", collector.endpoint());
      endpoints.put("refusing", refused);
      endpoints.put("silent", silent.endpoint());
      List<Case> cases = new ArrayList<>();
      cases.add(new Case("none", "-", null, Map.of(), fast));
      endpoints.forEach(
          (name, url) ->
              cases.add(
                  new Case(
                      "lambdascope",
                      name,
                      "-javaagent:" + ws.agentJar(),
                      Map.of("LAMBDASCOPE_ENDPOINT", url),
                      fast)));
      endpoints.forEach(
          (name, url) ->
              cases.add(
                  new Case(
                      "otel",
                      name,
                      "-javaagent:" + ws.otelAgentJar(),
                      ColdStartBenchmark.otelEnv("otlp", url),
                      name.startsWith("loopback") ? fast : stalled)));

      Map<String, Double> accepted = new LinkedHashMap<>();
      Map<String, List<Double>> first = new LinkedHashMap<>();
      Map<String, List<Double>> later = new LinkedHashMap<>();
      for (Case c : cases) {
        first.put(c.key(), new ArrayList<>());
        later.put(c.key(), new ArrayList<>());
      }
      for (int round = 1; round <= rounds; round++) {
        for (Case c : cases) {
          double before = acceptedSpans(collector);
          List<Double> ms = runOnce(ws, c);
          accepted.merge(c.key(), acceptedSpans(collector) - before, Double::sum);
          first.get(c.key()).add(ms.get(0));
          later.get(c.key()).addAll(ms.subList(1, ms.size()));
          context.progress("latency round %d: %s done", round, c.key());
        }
      }
      return render(rounds, cases, first, later, accepted);
    }
  }

  private static double acceptedSpans(LocalCollector collector) throws Exception {
    return MetricsPage.sumSeries(
        MetricsPage.get(collector.endpoint() + "/metrics"), "lambdascope_collector_items_accepted_total", "signal=\"traces\"");
  }

  private List<Double> runOnce(Workspace ws, Case c) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ws.javaBin().toString());
    cmd.addAll(ColdStartBenchmark.LAMBDA_FLAGS);
    if (c.agentArg() != null) {
      cmd.add(c.agentArg());
    }
    cmd.addAll(List.of("-cp", ws.functionClasspath(), DRIVER, Integer.toString(c.invocations())));
    Map<String, String> env = ColdStartBenchmark.lambdaEnv("bench-hello");
    env.putAll(c.env());
    ProcessRun.Result r = ProcessRun.run(cmd, env, ws.workDir(), 600);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("latency run " + c.key() + " failed: " + r.describeFailure());
    }
    List<Double> ms = new ArrayList<>();
    for (String line : r.stdout()) {
      if (line.startsWith("latency ")) {
        ms.add(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)) / 1e6);
      }
    }
    if (ms.size() != c.invocations()) {
      throw new IllegalStateException("latency run " + c.key() + " reported " + ms.size() + " invocations");
    }
    return ms;
  }

  private static String render(
      int rounds,
      List<Case> cases,
      Map<String, List<Double>> first,
      Map<String, List<Double>> later,
      Map<String, Double> accepted) {
    StringBuilder md = new StringBuilder();
    md.append("The agent here runs in *direct mode*, as outside Lambda or when the Extensions API does not answer: no extension, so it exports before the handler returns. As Lambda runs it, with its layer and extension, see the sections under the emulator. ")
        .append("`LatencyDriver` invokes `HelloHandler` repeatedly in one JVM (Lambda-like flags, as for cold starts) ")
        .append("and times each `handleRequest` call; both agents export inside that call, so this is what an ")
        .append("invocation's duration grows by. *Loopback collector*: a real Lambdascope collector with an embedded ")
        .append("Kafka (acks=all) in the harness JVM; *refusing*: a closed loopback port; *silent*: a loopback socket ")
        .append("that accepts and never answers. Both agents with their default settings (Lambdascope ")
        .append("`LAMBDASCOPE_FLUSH_TIMEOUT` default; OpenTelemetry: OTLP http/protobuf, its default timeouts). ")
        .append(rounds)
        .append(" process(es) per case; *first* is the cold invocation, *later* the others.\n\n");
    md.append("| agent | collector | invocations | first, median ms | later, median ms | later p25–p75 | added, later (ms) | added, first (ms) | spans the collector accepted |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    Stats noneLater = Stats.of(later.get("none/-"));
    Stats noneFirst = Stats.of(first.get("none/-"));
    Map<String, Double> addedLater = new LinkedHashMap<>();
    Map<String, Double> addedFirst = new LinkedHashMap<>();
    for (Case c : cases) {
      Stats f = Stats.of(first.get(c.key()));
      List<Double> l = later.get(c.key());
      Stats ls = l.isEmpty() ? null : Stats.of(l);
      double aLater = ls == null ? Double.NaN : ls.median() - noneLater.median();
      double aFirst = f.median() - noneFirst.median();
      addedLater.put(c.key(), aLater);
      addedFirst.put(c.key(), aFirst);
      md.append("| ")
          .append(c.agent())
          .append(" | ")
          .append(c.collector())
          .append(" | ")
          .append(rounds * c.invocations())
          .append(" | ")
          .append(Fmt.num(f.median(), 2))
          .append(" | ")
          .append(ls == null ? "n/a" : Fmt.num(ls.median(), 3))
          .append(" | ")
          .append(ls == null ? "n/a" : ls.iqr(3))
          .append(" | ")
          .append(c.agent().equals("none") ? "" : Fmt.num(aLater, 3))
          .append(" | ")
          .append(c.agent().equals("none") ? "" : Fmt.num(aFirst, 1))
          .append(" | ")
          .append(c.collector().startsWith("loopback") ? Fmt.num(accepted.get(c.key()), 0) : "")
          .append(" |\n");
    }
    md.append("\n| ratio: lambdascope added / otel added | later invocations | first invocation |\n|---|---:|---:|\n");
    for (Case c : cases) {
      if (c.agent().equals("lambdascope")) {
        String otel = "otel/" + c.collector();
        md.append("| ")
            .append(c.collector())
            .append(" | ")
            .append(Fmt.ratio(addedLater.get(c.key()) / addedLater.get(otel)))
            .append(" | ")
            .append(Fmt.ratio(addedFirst.get(c.key()) / addedFirst.get(otel)))
            .append(" |\n");
      }
    }
    md.append("\n*Spans the collector accepted*: its `lambdascope_collector_items_accepted_total{signal=\"traces\"}` ")
        .append("grew by this much during the case (one span per invocation expected), so an agent that returns ")
        .append("fast because it did not export shows here.\n");
    md.append("\n`n/a`: too few invocations in a `--quick` run (the OpenTelemetry agent's stalled cases run one ")
        .append("invocation there). Command: `java <Lambda flags> [-javaagent:<agent>] -cp <function jar>:")
        .append("lambdascope-test-support.jar:aws-lambda-java-core.jar ")
        .append(DRIVER)
        .append(" <invocations>`.\n");
    return md.toString();
  }
}
