package io.lambdascope.benchmarks;

import io.lambdascope.benchmarks.internal.Fmt;
import io.lambdascope.benchmarks.internal.LocalCollector;
import io.lambdascope.benchmarks.internal.LocalKafka;
import io.lambdascope.benchmarks.internal.MetricsPage;
import io.lambdascope.benchmarks.internal.OtlpSink;
import io.lambdascope.benchmarks.internal.SilentServer;
import io.lambdascope.benchmarks.internal.Stats;
import io.lambdascope.benchmarks.internal.Workspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a warm invocation costs with the agent deployed as users deploy it (its layer and exec
 * wrapper, under the official runtime interface client in the emulator, frozen between
 * invocations): the caller's added latency, and the added duration Lambda bills (the report's
 * {@code durationMs}, which covers the extension's post-runtime phase), with the collector healthy,
 * refusing and silent, per-invocation and batched export, against no agent and the OpenTelemetry
 * Java agent.
 */
final class ExtensionWarmBenchmark implements Benchmark {
  /** 10 invocations per second, one at a time: the rate the batched mode is judged at. */
  private static final Duration PERIOD = Duration.ofMillis(100);
  private static final String PROCESS = "(process)";

  private record Variant(String name, String description, boolean agentLayer, Map<String, String> env) {}

  @Override
  public String name() {
    return "extension-warm";
  }

  @Override
  public String title() {
    return "Per warm invocation under the emulator: caller latency and billed duration, agent as a layer";
  }

  @Override
  public String run(RunContext context) throws Exception {
    Workspace ws = context.workspace();
    ws.requireFile(ws.agentLayer(), "mvn -B -q -pl agent package -DskipTests");
    ws.requireFile(ws.otelAgentJar(), "built by the benchmarks module");
    // Warm means compiled: Lambda's flags stop at C1, which compiles a method after about 200 calls, so the
    // hooks and the extension's loop run interpreted for the first couple of hundred invocations.
    int warmup = context.pick(250, 400);
    int rounds = context.pick(2, 6);
    int perBlock = context.pick(20, 150);
    try (LocalKafka kafka = LocalKafka.start(ws.workDir(), 1);
        LocalCollector perInvocation = LocalCollector.start(kafka.bootstrapServers(), Map.of());
        LocalCollector batched = LocalCollector.start(kafka.bootstrapServers(), Map.of());
        LocalCollector otelCollector = LocalCollector.start(kafka.bootstrapServers(), Map.of());
        OtlpSink refusing = OtlpSink.refusing(503);
        SilentServer silent = SilentServer.start()) {
      Map<String, String> otel = EmulatorRig.otelEnvironment(ws, "otlp", otelCollector.endpoint());
      List<Variant> variants =
          List.of(
              new Variant("none", "no agent", false, Map.of()),
              new Variant(
                  "healthy",
                  "Lambdascope, collector healthy (a real collector, embedded Kafka, acks=all), export per invocation (default)",
                  true,
                  Map.of("LAMBDASCOPE_ENDPOINT", perInvocation.endpoint())),
              new Variant(
                  "healthy-batch",
                  "Lambdascope, collector healthy, `LAMBDASCOPE_EXPORT=batch` (`LAMBDASCOPE_BATCH_MAX_AGE` default, 10s)",
                  true,
                  Map.of("LAMBDASCOPE_ENDPOINT", batched.endpoint(), "LAMBDASCOPE_EXPORT", "batch")),
              new Variant(
                  "refusing",
                  "Lambdascope, collector answering 503 to everything (breaker open after the warm-up)",
                  true,
                  Map.of("LAMBDASCOPE_ENDPOINT", refusing.endpoint())),
              new Variant(
                  "silent",
                  "Lambdascope, collector accepting TCP and never answering (breaker open after the warm-up)",
                  true,
                  Map.of("LAMBDASCOPE_ENDPOINT", silent.endpoint())),
              new Variant(
                  "otel",
                  "OpenTelemetry Java agent 2.33.1 (`JAVA_TOOL_OPTIONS=-javaagent:`), OTLP http/protobuf to a healthy "
                      + "Lambdascope collector, metrics and logs exporters off",
                  false,
                  otel));
      List<EmulatorRig.Function> functions = new ArrayList<>();
      for (Variant v : variants) {
        functions.add(new EmulatorRig.Function(function(v), v.agentLayer(), v.env()));
      }
      Map<String, List<EmulatorRig.Invoked>> samples = new LinkedHashMap<>();
      Map<String, Integer> sent = new LinkedHashMap<>();
      variants.forEach(v -> samples.put(v.name(), new ArrayList<>()));
      variants.forEach(v -> sent.put(v.name(), 0));
      long started = System.nanoTime();
      Map<String, Map<String, Double>> cpuBefore = new LinkedHashMap<>();
      Map<String, Double> processCpuBefore = new LinkedHashMap<>();
      Map<String, Map<String, Double>> cpuPerInvocation = new LinkedHashMap<>();
      Map<String, Map<String, long[]>> schedBefore = new LinkedHashMap<>();
      Map<String, Map<String, double[]>> schedPerInvocation = new LinkedHashMap<>();
      try (EmulatorRig rig = EmulatorRig.start(ws, functions, Duration.ofHours(1))) {
        java.util.Random shuffle = new java.util.Random(42);
        for (int round = 0; round <= rounds; round++) {
          if (round == 1) {
            for (Variant v : variants) {
              cpuBefore.put(v.name(), rig.threadCpuMs(function(v)));
              processCpuBefore.put(v.name(), rig.cpuMs(function(v)));
              schedBefore.put(v.name(), rig.threadSchedStats(function(v)));
            }
          }
          List<Variant> order = new ArrayList<>(variants);
          Collections.rotate(order, round);
          if (round == 0) {
            for (Variant v : order) { // the warm-up goes as fast as the invocations end
              for (int i = 0; i < warmup; i++) {
                rig.invoke(function(v));
                sent.merge(v.name(), 1, Integer::sum);
              }
            }
          } else {
            // Interleaved: every variant's i-th invocation falls in the same period, each its own share of it
            // apart, so all of them meet the same background load, each at 10 per second; in a new random
            // order each period, so that no variant always follows the same one (and its after-effects: the
            // collector's Kafka writes after a healthy export, the OpenTelemetry agent's CPU).
            long slot = PERIOD.toNanos() / order.size();
            long next = System.nanoTime();
            for (int i = 0; i < perBlock; i++) {
              Collections.shuffle(order, shuffle);
              for (Variant v : order) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                  Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                next = Math.max(next + slot, System.nanoTime());
                samples.get(v.name()).add(rig.invoke(function(v)));
                sent.merge(v.name(), 1, Integer::sum);
              }
            }
          }
          context.progress("extension-warm: round %d/%d done", round, rounds);
        }
        for (Variant v : variants) {
          Map<String, Double> threads = new java.util.TreeMap<>();
          int n = samples.get(v.name()).size();
          Map<String, Double> before = cpuBefore.get(v.name());
          // Threads that ended meanwhile (the JIT's come and go) take their time out of a name's sum: never below 0.
          rig.threadCpuMs(function(v))
              .forEach((thread, ms) -> threads.put(thread, Math.max(0, ms - before.getOrDefault(thread, 0.0)) / n));
          // The whole process, ended threads included, under a name no thread has.
          threads.put(PROCESS, (rig.cpuMs(function(v)) - processCpuBefore.get(v.name())) / n);
          cpuPerInvocation.put(v.name(), threads);
          Map<String, long[]> schedFrom = schedBefore.get(v.name());
          Map<String, double[]> sched = new java.util.TreeMap<>();
          rig.threadSchedStats(function(v)).forEach((thread, now) -> {
            long[] from = schedFrom.getOrDefault(thread, new long[3]);
            double[] per = new double[3];
            for (int i = 0; i < 3; i++) {
              per[i] = Math.max(0, now[i] - from[i]) / (double) n;
            }
            sched.put(thread, per);
          });
          schedPerInvocation.put(v.name(), sched);
        }
      } // spin-down: SHUTDOWN for the environments, the agent's last flush
      double seconds = (System.nanoTime() - started) / 1e9;
      Map<String, double[]> delivered = new LinkedHashMap<>();
      delivered.put("healthy", awaitAccepted(perInvocation, sent.get("healthy")));
      delivered.put("healthy-batch", awaitAccepted(batched, sent.get("healthy-batch")));
      delivered.put("otel", awaitAccepted(otelCollector, sent.get("otel")));
      return render(variants, samples, sent, delivered, cpuPerInvocation, schedPerInvocation, warmup, rounds,
          perBlock, seconds);
    }
  }

  private static String function(Variant v) {
    return "warm-" + v.name();
  }

  /** The collector's accepted spans and platform events, once the spans reach {@code expected} or 15 s passed. */
  private static double[] awaitAccepted(LocalCollector collector, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      String page = MetricsPage.get(collector.endpoint() + "/metrics");
      double spans = MetricsPage.sumSeries(page, "lambdascope_collector_items_accepted_total", "signal=\"traces\"");
      double events = MetricsPage.sumSeries(page, "lambdascope_collector_items_accepted_total", "signal=\"platform\"");
      if (spans >= expected || System.nanoTime() > deadline) {
        return new double[] {spans, events};
      }
      Thread.sleep(100);
    }
  }

  private static String render(
      List<Variant> variants,
      Map<String, List<EmulatorRig.Invoked>> samples,
      Map<String, Integer> sent,
      Map<String, double[]> delivered,
      Map<String, Map<String, Double>> cpu,
      Map<String, Map<String, double[]>> sched,
      int warmup,
      int rounds,
      int perBlock,
      double seconds) {
    StringBuilder md = new StringBuilder();
    md.append("Each variant is one function of the emulator (module `emulator/`): an execution environment running ")
        .append("`HelloHandler` under the official runtime interface client 2.10.1 (`-Xmx435m -XX:+TieredCompilation ")
        .append("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC`, 512 MB), frozen with SIGSTOP between invocations, as ")
        .append("Lambda does. Lambdascope is deployed as users deploy it: its layer (`agent/target/lambdascope-agent-")
        .append("layer.zip`) and `AWS_LAMBDA_EXEC_WRAPPER=/opt/lambdascope-wrapper`, so it runs as an internal extension ")
        .append("that sends after the response. The harness calls the Invoke API (`RequestResponse`, HTTP/1.1 kept ")
        .append("alive), one invocation at a time, each variant at most 10 per second, and waits for each invocation to end (its ")
        .append("report counted in the emulator's CloudWatch) before the next. *Caller*: from the Invoke API call to ")
        .append("the answer, in the harness. *Duration*: the report's `durationMs` (from the emulator's CloudWatch ")
        .append("`Duration`, the same figure): the invocation until the runtime and every extension called `next` ")
        .append("again, so it covers the extension's post-runtime phase; *billed* is `billedDurationMs`, that rounded up ")
        .append("to the millisecond. ")
        .append(warmup)
        .append(" warm-up invocations per variant, back to back (the cold start, the breaker opening, and the JIT: ")
        .append("Lambda's flags stop at C1, which compiles a method after about 200 calls), then ")
        .append(rounds)
        .append(" rounds of ")
        .append(perBlock)
        .append(" invocations per variant, interleaved: each period of 100 ms invokes every variant once, evenly spaced, ")
        .append("in a new random order (so that every variant meets the same background load, and none always follows ")
        .append("the same other one); ")
        .append(Fmt.num(seconds, 0))
        .append(" s in all. *Added*: the variant's statistic minus `none`'s.\n\n");

    Stats noneCaller = Stats.of(callerMs(samples.get("none")));
    Stats noneDuration = Stats.of(durationMs(samples.get("none")));
    Stats noneBilled = Stats.of(billedMs(samples.get("none")));
    md.append("**Caller latency**\n\n");
    md.append("| variant | invocations | median ms | p25–p75 | p99 ms | added median ms | added p99 ms | target (added median) |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
    Map<String, Double> addedCaller = new LinkedHashMap<>();
    for (Variant v : variants) {
      Stats s = Stats.of(callerMs(samples.get(v.name())));
      double added = s.median() - noneCaller.median();
      addedCaller.put(v.name(), added);
      boolean none = v.name().equals("none");
      md.append("| ").append(v.name())
          .append(" | ").append(s.count())
          .append(" | ").append(Fmt.num(s.median(), 2))
          .append(" | ").append(s.iqr(2))
          .append(" | ").append(Fmt.num(s.percentile(99), 2))
          .append(" | ").append(none ? "" : Fmt.num(added, 2))
          .append(" | ").append(none ? "" : Fmt.num(s.percentile(99) - noneCaller.percentile(99), 2))
          .append(" | ").append(callerTarget(v.name(), added))
          .append(" |\n");
    }
    md.append("\n| ratio of added caller latency (medians) | value |\n|---|---:|\n");
    for (String name : List.of("healthy", "healthy-batch", "refusing", "silent")) {
      md.append("| ").append(name).append(" / otel | ").append(Fmt.ratio(addedCaller.get(name) / addedCaller.get("otel")))
          .append(" |\n");
    }

    md.append("\n**Billed duration**\n\n");
    md.append("| variant | duration, median ms | p99 ms | added median ms | added p99 ms | billed, median ms | billed p99 ms | added billed median ms | target |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Variant v : variants) {
      Stats d = Stats.of(durationMs(samples.get(v.name())));
      Stats b = Stats.of(billedMs(samples.get(v.name())));
      boolean none = v.name().equals("none");
      double added = d.median() - noneDuration.median();
      md.append("| ").append(v.name())
          .append(" | ").append(Fmt.num(d.median(), 2))
          .append(" | ").append(Fmt.num(d.percentile(99), 2))
          .append(" | ").append(none ? "" : Fmt.num(added, 2))
          .append(" | ").append(none ? "" : Fmt.num(d.percentile(99) - noneDuration.percentile(99), 2))
          .append(" | ").append(Fmt.num(b.median(), 0))
          .append(" | ").append(Fmt.num(b.percentile(99), 0))
          .append(" | ").append(none ? "" : Fmt.num(b.median() - noneBilled.median(), 0))
          .append(" | ").append(v.name().equals("healthy-batch") ? met(added <= 1.0, "≤ 1 ms (duration)") : "")
          .append(" |\n");
    }

    md.append("\n**Delivery** (after the run the environments were spun down, as Lambda does: SIGTERM to the ")
        .append("runtime, whose shutdown hook sends what is left; a collector's `lambdascope_collector_items_accepted_total` ")
        .append("counts what Kafka acknowledged):\n\n");
    md.append("| variant | invocations (warm-up included) | spans the collector acknowledged | platform events acknowledged |\n");
    md.append("|---|---:|---:|---:|\n");
    delivered.forEach(
        (name, counts) ->
            md.append("| ").append(name)
                .append(" | ").append(sent.get(name))
                .append(" | ").append(Fmt.num(counts[0], 0))
                .append(" | ").append(name.equals("otel") ? "(none sent)" : Fmt.num(counts[1], 0))
                .append(" |\n"));
    md.append("\nIn batch mode a span or event leaves when half a buffer is full or the oldest has waited ")
        .append("`LAMBDASCOPE_BATCH_MAX_AGE` (checked at each invocation's end, by the wall clock, so frozen time ")
        .append("counts), and everything left goes out at shutdown; nothing leaves a buffer without the collector's ")
        .append("2xx, so batching delays delivery but does not weaken it. The batch's send falls on the post-runtime ")
        .append("phase of the invocation that finds it due: that is the batched variant's p99.\n");

    md.append("\n**Where the environment's CPU went**, per measured invocation (user + system time of the runtime's ")
        .append("process from `/proc/<pid>/stat`, and of its threads from `/proc/<pid>/task` by name, over the measured ")
        .append("rounds; ticks of 10 ms spread over every invocation; threads under 0.01 ms left out; `java` is the ")
        .append("runtime's main thread, which runs the handler). On 2 shared cores, CPU the agent's threads use ")
        .append("while the handler runs or the runtime posts its response is time the caller can wait for.\n\n");
    md.append("| variant | CPU ms per invocation | added to `none` | threads (ms per invocation) |\n|---|---:|---:|---|\n");
    double noneCpu = cpu.get("none").get(PROCESS);
    for (Variant v : variants) {
      Map<String, Double> threads = cpu.get(v.name());
      double total = threads.get(PROCESS);
      StringBuilder top = new StringBuilder();
      threads.entrySet().stream()
          .filter(e -> e.getValue() >= 0.01 && !e.getKey().equals(PROCESS))
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(e -> top.append(top.length() == 0 ? "" : ", ").append('`').append(e.getKey()).append("` ")
              .append(Fmt.num(e.getValue(), 2)));
      md.append("| ").append(v.name())
          .append(" | ").append(Fmt.num(total, 2))
          .append(" | ").append(v.name().equals("none") ? "" : Fmt.num(total - noneCpu, 2))
          .append(" | ").append(top)
          .append(" |\n");
    }

    md.append("\n**The agent's threads, exactly**, per measured invocation, from the scheduler's own accounting ")
        .append("(`/proc/<pid>/task/<tid>/schedstat`, nanoseconds, summed by thread name, over the measured rounds): ")
        .append("*CPU*, time on a CPU; *waited*, time runnable but waiting for a CPU (what a loaded machine adds); ")
        .append("*runs*, times the thread was put on a CPU (each wake-up counts, and each preemption). The ")
        .append("`lambdascope-tel` figures cover both Telemetry listener threads (accept and connection). `java` ")
        .append("runs the handler and posts the response; its figures are the baseline to read the agent's ")
        .append("against.\n\n");
    md.append("| variant | thread | CPU µs | waited µs | runs |\n|---|---|---:|---:|---:|\n");
    for (Variant v : variants) {
      Map<String, double[]> threads = sched.get(v.name());
      if (threads == null || threads.isEmpty()) {
        continue;
      }
      double[] agent = new double[3];
      for (Map.Entry<String, double[]> e : threads.entrySet()) {
        boolean ours = e.getKey().startsWith("lambdascope-");
        if (!ours && !e.getKey().equals("java")) {
          continue;
        }
        double[] t = e.getValue();
        if (ours) {
          for (int i = 0; i < 3; i++) {
            agent[i] += t[i];
          }
        }
        if (t[0] < 1_000 && ours) {
          continue; // under 1 µs per invocation: a thread that sleeps through the measured rounds
        }
        md.append("| ").append(v.name()).append(" | `").append(e.getKey()).append("` | ")
            .append(Fmt.num(t[0] / 1_000, 0)).append(" | ").append(Fmt.num(t[1] / 1_000, 0)).append(" | ")
            .append(Fmt.num(t[2], 1)).append(" |\n");
      }
      if (!v.name().equals("none") && agent[2] > 0) {
        md.append("| ").append(v.name()).append(" | all `lambdascope-*` | **")
            .append(Fmt.num(agent[0] / 1_000, 0)).append("** | ").append(Fmt.num(agent[1] / 1_000, 0))
            .append(" | ").append(Fmt.num(agent[2], 1)).append(" |\n");
      }
    }

    md.append("\nVariants:\n\n");
    for (Variant v : variants) {
      md.append("- `").append(v.name()).append("`: ").append(v.description()).append('\n');
    }
    md.append("\nCommand: `benchmarks/run --only extension-warm` (the emulator, the collectors and their Kafka run in ")
        .append("the harness JVM; each execution environment is processes of its own).\n");
    return md.toString();
  }

  private static String callerTarget(String variant, double added) {
    return switch (variant) {
      case "healthy", "healthy-batch" -> met(added <= 0.5, "≤ 0.5 ms");
      case "refusing", "silent" -> met(added <= 1.0, "≤ 1 ms");
      default -> "";
    };
  }

  private static String met(boolean met, String target) {
    return target + (met ? ": met" : ": **missed**");
  }

  private static List<Double> callerMs(List<EmulatorRig.Invoked> s) {
    return s.stream().map(EmulatorRig.Invoked::callerMs).toList();
  }

  private static List<Double> durationMs(List<EmulatorRig.Invoked> s) {
    return s.stream().map(EmulatorRig.Invoked::durationMs).toList();
  }

  private static List<Double> billedMs(List<EmulatorRig.Invoked> s) {
    return s.stream().map(EmulatorRig.Invoked::billedMs).toList();
  }
}
