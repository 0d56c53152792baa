package io.lambdascope.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdascope.benchmarks.internal.Fmt;
import io.lambdascope.benchmarks.internal.OtlpSink;
import io.lambdascope.benchmarks.internal.Stats;
import io.lambdascope.benchmarks.internal.Workspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Cold start with the agent deployed as users deploy it (its layer and exec wrapper), under the
 * official runtime interface client in the emulator: what the caller waits for a cold invocation,
 * the CPU and the peak memory of all the environment's processes, against no agent and the
 * OpenTelemetry Java agent.
 */
final class EmulatorColdStartBenchmark implements Benchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Variant(String name, String description, boolean agentLayer, Map<String, String> env) {}

  private record Sample(double callerMs, double durationMs, double cpuMs, double rssMb) {}

  @Override
  public String name() {
    return "emulator-coldstart";
  }

  @Override
  public String title() {
    return "Cold start under the emulator: the agent's layer and internal extension against the OpenTelemetry agent";
  }

  @Override
  public String run(RunContext context) throws Exception {
    Workspace ws = context.workspace();
    ws.requireFile(ws.agentLayer(), "mvn -B -q -pl agent package -DskipTests");
    ws.requireFile(ws.otelAgentJar(), "built by the benchmarks module");
    // 30 rounds: the median of the added cold start moved by tens of ms between runs of 20 (a per-round spread
    // of about 80 ms); its 95% interval is reported beside it.
    int rounds = context.pick(2, 30);
    try (OtlpSink sink = OtlpSink.start()) {
      Map<String, String> otel = EmulatorRig.otelEnvironment(ws, "none", null);
      List<Variant> variants =
          List.of(
              new Variant("none", "no agent", false, Map.of()),
              new Variant(
                  "lambdascope",
                  "the agent's layer and `AWS_LAMBDA_EXEC_WRAPPER=/opt/lambdascope-wrapper` (internal extension, "
                      + "Telemetry API subscription), exporting to a loopback sink that answers 200",
                  true,
                  Map.of("LAMBDASCOPE_ENDPOINT", sink.endpoint())),
              new Variant(
                  "otel-off",
                  "OpenTelemetry Java agent 2.33.1 with `JAVA_TOOL_OPTIONS=-javaagent:<jar>`, exporters off (its "
                      + "cheapest start: exporting would add to it)",
                  false,
                  otel));
      // One function per variant and round, so that every invocation is a cold start.
      List<EmulatorRig.Function> functions = new ArrayList<>();
      for (int r = 0; r <= rounds; r++) {
        for (Variant v : variants) {
          functions.add(new EmulatorRig.Function(function(v, r), v.agentLayer(), v.env()));
        }
      }
      Map<String, List<Sample>> samples = new LinkedHashMap<>();
      variants.forEach(v -> samples.put(v.name(), new ArrayList<>()));
      long started = System.nanoTime();
      try (EmulatorRig rig = EmulatorRig.start(ws, functions, Duration.ofMillis(500))) {
        for (int r = 0; r <= rounds; r++) {
          List<Variant> order = new ArrayList<>(variants);
          Collections.rotate(order, r); // vary who goes first
          for (Variant v : order) {
            String fn = function(v, r);
            EmulatorRig.Invoked cold = rig.invoke(fn);
            Sample s = new Sample(cold.callerMs(), cold.durationMs(), rig.cpuMs(fn), rig.peakRssMb(fn));
            // The environment is frozen now; the next variant starts once it is gone, on a machine at rest.
            rig.awaitSpunDown(fn, Duration.ofSeconds(15));
            if (r > 0) {
              samples.get(v.name()).add(s);
            }
          }
          context.progress("emulator cold start round %d/%d done", r, rounds);
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      List<Double> relayedInit = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        double init = relayedInitMs(sink, function(variants.get(1), r));
        if (!Double.isNaN(init)) {
          relayedInit.add(init);
        }
      }
      return render(rounds, variants, samples, relayedInit, seconds);
    }
  }

  private static String function(Variant v, int round) {
    return "cold-" + v.name() + "-" + round;
  }

  /** {@code durationMs} of the {@code platform.initReport} the agent relayed for {@code function}, or NaN. */
  private static double relayedInitMs(OtlpSink sink, String function) throws Exception {
    for (OtlpSink.PlatformBatch batch : sink.platformBatches()) {
      if (function.equals(batch.function())) {
        for (JsonNode event : JSON.readTree(batch.body())) {
          JsonNode value = event.path("record").path("metrics").path("durationMs");
          if ("platform.initReport".equals(event.path("type").asText()) && value.isNumber()) {
            return value.asDouble();
          }
        }
      }
    }
    return Double.NaN;
  }

  private static String render(
      int rounds, List<Variant> variants, Map<String, List<Sample>> samples, List<Double> relayedInit, double seconds) {
    StringBuilder md = new StringBuilder();
    md.append("The emulator starts each execution environment as Lambda does: the runtime is a JVM running the official ")
        .append("runtime interface client 2.10.1 (`-Xmx435m -XX:+TieredCompilation -XX:TieredStopAtLevel=1 ")
        .append("-XX:+UseSerialGC`, 512 MB) with `HelloHandler`; init ends when the runtime and every registered ")
        .append("extension called `next`. One function per variant and round, so every invocation is a cold start; each ")
        .append("environment is spun down before the next variant starts. *Cold start*: the caller's Invoke API call ")
        .append("to its answer (environment start, init, first invocation up to the response: what the caller waits; ")
        .append("the platform's events reach only an extension subscribed to the Telemetry API, so the harness, which ")
        .append("runs none, measures from outside, the same way for every variant). *Duration*: the first ")
        .append("invocation's report `durationMs` (from the emulator's CloudWatch), post-runtime phase included. *CPU* ")
        .append("and *peak RSS*: user + system time and `VmHWM` of every process of the environment (runtime and any ")
        .append("extension process), summed, read when the cold invocation had ended. ")
        .append(rounds)
        .append(" rounds after one discarded warm-up round, the order rotated each round; ")
        .append(Fmt.num(seconds, 0))
        .append(" s. *Added*: median of the per-round differences to `none`; *95% interval*: the order statistics ")
        .append("that hold the median of those differences with at least 95% confidence (distribution-free).\n\n");
    md.append("| variant | cold start, median ms | p25–p75 | added ms | added p25–p75 | added 95% interval | first duration, median ms | CPU, median ms | added CPU ms | added CPU 95% interval | peak RSS, median MB | added RSS MB |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Map<String, Double> addedStart = new LinkedHashMap<>();
    Map<String, Double> addedCpu = new LinkedHashMap<>();
    Map<String, Double> addedRss = new LinkedHashMap<>();
    for (Variant v : variants) {
      List<Sample> s = samples.get(v.name());
      Stats start = Stats.of(s.stream().map(Sample::callerMs).toList());
      addedStart.put(v.name(), addedMedian(samples, v.name(), Sample::callerMs));
      addedCpu.put(v.name(), addedMedian(samples, v.name(), Sample::cpuMs));
      addedRss.put(v.name(), addedMedian(samples, v.name(), Sample::rssMb));
      md.append("| ").append(v.name())
          .append(" | ").append(Fmt.num(start.median(), 0))
          .append(" | ").append(start.iqr(0))
          .append(" | ").append(Fmt.num(addedStart.get(v.name()), 0))
          .append(" | ").append(added(samples, v.name(), Sample::callerMs).iqr(0))
          .append(" | ").append(interval(addedValues(samples, v.name(), Sample::callerMs)))
          .append(" | ").append(Fmt.num(Stats.of(s.stream().map(Sample::durationMs).toList()).median(), 1))
          .append(" | ").append(Fmt.num(Stats.of(s.stream().map(Sample::cpuMs).toList()).median(), 0))
          .append(" | ").append(Fmt.num(addedCpu.get(v.name()), 0))
          .append(" | ").append(interval(addedValues(samples, v.name(), Sample::cpuMs)))
          .append(" | ").append(Fmt.num(Stats.of(s.stream().map(Sample::rssMb).toList()).median(), 1))
          .append(" | ").append(Fmt.num(addedRss.get(v.name()), 1))
          .append(" |\n");
    }
    double startRatio = addedStart.get("lambdascope") / addedStart.get("otel-off");
    double rssRatio = addedRss.get("lambdascope") / addedRss.get("otel-off");
    md.append("\n| ratio: lambdascope / otel-off | value | target |\n|---|---:|---:|\n");
    md.append("| added cold start | ").append(Fmt.ratio(startRatio)).append(" | ≤ 0.025 (1/40)")
        .append(startRatio <= 0.025 ? ": met" : ": **missed**").append(" |\n");
    double[] startInterval = medianInterval(addedValues(samples, "lambdascope", Sample::callerMs));
    double upperRatio = startInterval[1] / addedStart.get("otel-off");
    md.append("| added cold start, upper end of its 95% interval | ").append(Fmt.ratio(upperRatio))
        .append(" | ≤ 0.025 (1/40)").append(upperRatio <= 0.025 ? ": met" : ": **missed**").append(" |\n");
    md.append("| added CPU of all processes | ").append(Fmt.ratio(addedCpu.get("lambdascope") / addedCpu.get("otel-off")))
        .append(" | none set |\n");
    md.append("| added peak RSS of all processes | ").append(Fmt.ratio(rssRatio)).append(" | ≤ 0.1 (1/10)")
        .append(rssRatio <= 0.1 ? ": met" : ": **missed**").append(" |\n");
    md.append("\nThe added cold start bounds the added init from above (it also holds the first invocation up to its ")
        .append("response). Cross-check from inside: the `platform.initReport` the agent's extension relayed to the ")
        .append("sink gave `lambdascope` an init of ");
    if (relayedInit.isEmpty()) {
      md.append("n/a (none relayed)");
    } else {
      Stats init = Stats.of(relayedInit);
      md.append(Fmt.num(init.median(), 0)).append(" ms median (").append(init.iqr(0)).append(", ")
          .append(relayedInit.size()).append(" of ").append(rounds).append(" relayed)");
    }
    md.append(".\n\nVariants:\n\n");
    for (Variant v : variants) {
      md.append("- `").append(v.name()).append("`: ").append(v.description()).append('\n');
    }
    md.append("\nCommand: `benchmarks/run --only emulator-coldstart` (the emulator and the sink run in the harness ")
        .append("JVM; each execution environment is processes of its own).\n");
    return md.toString();
  }

  private static double addedMedian(Map<String, List<Sample>> samples, String variant, ToDoubleFunction<Sample> f) {
    return added(samples, variant, f).median();
  }

  /** The per-round differences to {@code none}. */
  private static Stats added(Map<String, List<Sample>> samples, String variant, ToDoubleFunction<Sample> f) {
    return Stats.of(addedValues(samples, variant, f));
  }

  private static List<Double> addedValues(
      Map<String, List<Sample>> samples, String variant, ToDoubleFunction<Sample> f) {
    List<Sample> none = samples.get("none");
    List<Sample> s = samples.get(variant);
    List<Double> diff = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      diff.add(f.applyAsDouble(s.get(i)) - f.applyAsDouble(none.get(i)));
    }
    return diff;
  }

  private static String interval(List<Double> values) {
    double[] i = medianInterval(values);
    return Double.isNaN(i[0]) ? "n/a" : Fmt.num(i[0], 0) + "–" + Fmt.num(i[1], 0);
  }

  /**
   * The distribution-free 95% confidence interval of the median: the k-th smallest and k-th largest values, k
   * the largest rank whose binomial(n, 1/2) tail stays within 2.5% (NaN for fewer than 6 values).
   */
  static double[] medianInterval(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    int k = 0;
    double tail = 0;
    double term = Math.pow(0.5, n); // P(B = 0)
    for (int i = 0; i < n; i++) {
      if (tail + term > 0.025) {
        break;
      }
      tail += term;
      k = i + 1;
      term = term * (n - i) / (i + 1);
    }
    if (k == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {sorted[k - 1], sorted[n - k]};
  }
}
