package io.lambdascope.benchmarks;

import io.lambdascope.benchmarks.internal.Machine;
import io.lambdascope.benchmarks.internal.Workspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the benchmarks (all, or those named with {@code --only}) and rewrites docs/benchmarks.md.
 * Started by {@code benchmarks/run}, which builds everything first.
 *
 * <pre>
 * BenchmarksMain --root &lt;repo&gt; [--quick] [--only a,b] [--out file] [--list] [--rewrite]
 * </pre>
 */
public final class BenchmarksMain {
  private BenchmarksMain() {}

  static List<Benchmark> all() {
    return List.of(
        new ColdStartBenchmark(),
        new EmulatorColdStartBenchmark(),
        new ExtensionWarmBenchmark(),
        new InvocationOverheadBenchmark(),
        new HandlerLatencyBenchmark(),
        new CollectorThroughputBenchmark(),
        new ProcessorBenchmark(),
        new EndToEndBenchmark());
  }

  public static void main(String[] args) throws Exception {
    // The JDK's HTTP server (the emulator's Runtime and Invoke APIs, the benchmarks' sinks) leaves Nagle's
    // algorithm on unless told: with the peer's delayed ACKs that stalls small exchanges by 40 ms, which put
    // 50 to 90 ms of the emulator's own into every invocation and hid everything the agent costs.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    Path root = Path.of(".");
    boolean quick = false;
    Path out = null;
    Set<String> only = new LinkedHashSet<>();
    boolean rewriteOnly = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--root" -> root = Path.of(args[++i]);
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> only.addAll(List.of(args[++i].split(",")));
        case "--rewrite" -> rewriteOnly = true;
        case "--list" -> {
          all().forEach(b -> System.out.println(b.name() + "\t" + b.title()));
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    root = root.toAbsolutePath().normalize();
    if (out == null) {
      out = root.resolve("docs/benchmarks.md");
    }
    List<Benchmark> selected = new ArrayList<>();
    for (Benchmark b : all()) {
      if (!rewriteOnly && (only.isEmpty() || only.contains(b.name()))) {
        selected.add(b);
      }
    }
    for (String name : only) {
      if (all().stream().noneMatch(b -> b.name().equals(name))) {
        throw new IllegalArgumentException("no benchmark named " + name + " (see --list)");
      }
    }

    RunContext context = new RunContext(Workspace.at(root), quick, System.err);
    Document doc = Document.read(out);
    boolean failed = false;
    for (Benchmark b : selected) {
      String loadBefore = Machine.loadAverage();
      Instant start = Instant.now();
      context.progress("%s: starting (%s)", b.name(), quick ? "quick" : "full");
      String body;
      try {
        body = b.run(context);
      } catch (Exception | AssertionError e) {
        failed = true;
        e.printStackTrace(System.err);
        body = "**Not measured in this run: the benchmark failed** (`" + oneLine(e) + "`). See the harness output.\n";
      }
      Duration took = Duration.between(start, Instant.now());
      String stamp =
          "*Measured "
              + DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(start.atOffset(ZoneOffset.UTC).withNano(0))
              + " UTC, "
              + (quick ? "`--quick` (short smoke run: indicative only)" : "full run")
              + ", took "
              + took.toSeconds()
              + " s; load average before: "
              + loadBefore
              + ", after: "
              + Machine.loadAverage()
              + ".*\n\n";
      String section = "## " + b.title() + "\n\n" + stamp + body;
      doc.put(b.name(), section);
      System.out.println(section);
      System.out.flush();
      context.progress("%s: done in %d s", b.name(), took.toSeconds());
      // Written after each benchmark, so an interrupted run keeps what it measured.
      String command =
          "benchmarks/run" + (quick ? " --quick" : "") + (only.isEmpty() ? "" : " --only " + String.join(",", only));
      Files.writeString(out, doc.render(header(command), all()), StandardCharsets.UTF_8);
    }
    if (rewriteOnly) {
      // Only the header and the order of sections change; every measured section is kept as it is.
      Files.writeString(out, doc.render(header("benchmarks/run --rewrite"), all()), StandardCharsets.UTF_8);
    }
    context.progress("wrote %s", out);
    if (failed) {
      System.exit(1);
    }
  }

  private static String oneLine(Throwable e) {
    String s = e.toString().replace('\n', ' ').replace('`', '\'');
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  private static String header(String command) {
    return """
        # Benchmarks

        Written by `benchmarks/run`; do not edit by hand. Every figure below was measured on the machine
        described here, side by side with its baseline in the same run, and is given as a median with its
        spread; the ratios are what to compare, because the machine is shared and noisy.

        ## How to rerun

        ```
        benchmarks/run                  # everything; rewrites this file
        benchmarks/run --quick          # short smoke run (figures indicative only)
        benchmarks/run --only coldstart # one benchmark (names: benchmarks/run --list); other sections are kept
        benchmarks/run --no-build       # reuse what the last build left in */target
        ```

        The full run aims at about 30 minutes and `--quick` at about 6 on a quiet 2-core machine; each
        section below says how long it took (on a busy machine, several times that).

        `benchmarks/run` builds what it needs (`mvn -B -q -Pbenchmarks -DskipTests package` at the root,
        which also fetches the OpenTelemetry Java agent 2.33.1 from Maven Central), then runs
        `io.lambdascope.benchmarks.BenchmarksMain`. The benchmarks module is built only with `-Pbenchmarks`;
        nothing in it runs in the normal test suite. A section no benchmark here writes (`extension-cost`, which
        the agent module's opt-in `ExtensionCostBenchmarkIT` measures) is kept as it is, after the others.

        ## Machine

        """
        + "| | |\n|---|---|\n"
        + "| CPUs (`nproc`) | "
        + Machine.cpus()
        + " |\n| CPU model | "
        + Machine.cpuModel()
        + " |\n| memory | "
        + Machine.memory()
        + " |\n| JVM | "
        + Machine.jvm()
        + " |\n| OS | "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + " |\n| written | "
        + DateTimeFormatter.ISO_LOCAL_DATE.format(Instant.now().atOffset(ZoneOffset.UTC))
        + ", `"
        + command
        + "` |\n\n"
        + "Each section says when it was measured and how loaded the machine was (load average; other work "
        + "may have been running on the 2 shared cores).\n";
  }
}
