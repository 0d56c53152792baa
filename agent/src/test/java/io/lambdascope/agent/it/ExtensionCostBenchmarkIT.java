package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not part of the test suite: the measurement behind the decision to make the agent an internal extension
 * (docs/architecture.md). Side by side in one run, interleaved, it cold-starts a hello handler under the official
 * runtime client against {@link LambdaApiDouble} as: no agent; the agent in direct mode; the agent with its
 * internal extension; the cheapest external extension in Java (a second JVM, started first and waited for until
 * it registered, as Lambda does with {@code /opt/extensions}) without the agent; and that external extension
 * with the agent in direct mode, what an external design would at least cost. It reports the init phase (first
 * spawn to the end of init: the runtime and every extension called {@code next}), the cold invocation (first
 * spawn to the end of the first invocation), and the CPU time and peak RSS of all the environment's processes
 * after it (on a small Lambda function, with a fraction of a vCPU, CPU time is what init costs). The
 * function JVM runs with the heap Lambda gives a 512 MB function; the OpenTelemetry Java agent (exporters off),
 * the reference of the cold-start budget, runs in the same rounds when it is in the local Maven repository.
 *
 * <pre>mvn -B -o -pl agent -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=ExtensionCostBenchmarkIT -Dlambdascope.bench=extension-cost [-Dlambdascope.bench.rounds=15]</pre>
 *
 * The table is printed and written to {@code agent/target/extension-cost.md}. Only correctness is asserted (every
 * run registered what it should and delivered its span); the figures are for reading, as ratios.
 */
@EnabledIfSystemProperty(named = "lambdascope.bench", matches = "extension-cost")
class ExtensionCostBenchmarkIT {
    private static final String HANDLER = "io.lambdascope.agent.testfn.Handlers$Echo";
    /** What Lambda gives the runtime's heap for a 512 MB function (as the emulator does). */
    private static final String FUNCTION_HEAP = "435m";
    /** The external extension gets every advantage: the smallest heap, no JIT beyond C1, serial GC, CDS. */
    private static final List<String> EXTENSION_JVM_FLAGS = Arrays.asList("-Xmx16m", "-Xss256k",
            "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
            "-XX:-UsePerfData");

    enum Variant {
        NONE("none", false, false, false),
        DIRECT("agent, direct mode", true, false, false),
        INTERNAL("agent + internal extension", true, true, false),
        EXTERNAL("external extension (Java), no agent", false, false, true),
        DIRECT_EXTERNAL("agent direct + external extension", true, false, true),
        /** The reference of the cold-start budget: the OpenTelemetry Java agent, exporters off. */
        OTEL("OpenTelemetry agent 2.33.1, exporters off", false, false, false);

        final String label;
        final boolean agent;
        final boolean internal;
        final boolean external;

        Variant(String label, boolean agent, boolean internal, boolean external) {
            this.label = label;
            this.agent = agent;
            this.internal = internal;
            this.external = external;
        }
    }

    /** The OpenTelemetry Java agent, from the local Maven repository unless named; null when absent. */
    private static Path otelAgent() {
        Path jar = Paths.get(System.getProperty("lambdascope.bench.otel.jar", System.getProperty("user.home")
                + "/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/2.33.1/"
                + "opentelemetry-javaagent-2.33.1.jar"));
        return Files.isRegularFile(jar) ? jar : null;
    }

    static final class Run {
        final double initMillis;
        final double coldMillis;
        final double rssMb;
        final double cpuMillis;

        Run(double initMillis, double coldMillis, double rssMb, double cpuMillis) {
            this.initMillis = initMillis;
            this.coldMillis = coldMillis;
            this.rssMb = rssMb;
            this.cpuMillis = cpuMillis;
        }
    }

    @Test
    void internalVersusExternalExtension(@TempDir Path dir) throws Exception {
        int rounds = Integer.getInteger("lambdascope.bench.rounds", 10);
        Map<Variant, List<Run>> runs = new LinkedHashMap<>();
        for (Variant v : Variant.values()) {
            if (v != Variant.OTEL || otelAgent() != null) {
                runs.put(v, new ArrayList<>());
            }
        }
        String load = loadAverage();
        long started = System.nanoTime();
        for (int round = 0; round <= rounds; round++) {
            List<Variant> order = new ArrayList<>(runs.keySet());
            Collections.shuffle(order);
            for (Variant v : order) {
                Run r = run(v, Files.createTempDirectory(dir, "task"));
                if (round > 0) { // round 0 warms the page cache and the harness
                    runs.get(v).add(r);
                }
            }
        }
        String table = table(runs, rounds, load, loadAverage(), (System.nanoTime() - started) / 1_000_000_000L);
        System.out.println(table);
        Files.writeString(Paths.get(System.getProperty("lambdascope.agent.jar")).resolveSibling("extension-cost.md"),
                table);
    }

    private Run run(Variant v, Path taskRoot) throws Exception {
        try (CaptureServer sink = CaptureServer.start(); LambdaApiDouble api = new LambdaApiDouble()) {
            api.enqueue("cold-1", "Root=1-5759e988-bd862e3fe1be46a994272793", "\"hi\"");
            FunctionProcess.Builder b = RuntimeClientFunction.builder(taskRoot, HANDLER, api.address())
                    .endpoint(sink.endpoint()).env("LAMBDASCOPE_EXTENSION", v.internal ? "true" : "false")
                    .maxHeap(FUNCTION_HEAP);
            if (v == Variant.OTEL) {
                b.jvmArg("-javaagent:" + otelAgent()).env("OTEL_TRACES_EXPORTER", "none")
                        .env("OTEL_METRICS_EXPORTER", "none").env("OTEL_LOGS_EXPORTER", "none");
            }
            long t0 = System.nanoTime();
            Process external = null;
            FunctionProcess fn = null;
            try {
                if (v.external) {
                    external = startExternal(api.address());
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (api.extensions().isEmpty()) { // Lambda starts the runtime once extensions registered
                        assertTrue(System.nanoTime() < deadline && external.isAlive(), "the external extension");
                        Thread.sleep(1);
                    }
                }
                fn = (v.agent ? b : b.withoutAgent()).start();
                api.awaitInitEnded(60);
                LambdaApiDouble.Invocation inv = api.awaitEnded("cold-1", 60);
                double rss = peakRssMb(fn.process().pid()) + (external == null ? 0 : peakRssMb(external.pid()));
                double cpu = cpuMillis(fn.process().pid()) + (external == null ? 0 : cpuMillis(external.pid()));
                List<String> names = new ArrayList<>();
                for (LambdaApiDouble.Extension e : api.extensions()) {
                    names.add(e.name);
                }
                List<String> expected = new ArrayList<>();
                if (v.external) {
                    expected.add("lambdascope-external");
                }
                if (v.internal) {
                    expected.add("lambdascope");
                }
                assertEquals(expected, names, v.label);
                assertEquals("\"echo:hi\"", api.awaitResponse("cold-1", 5), v.label);
                if (v.agent) { // the OpenTelemetry variant exports nothing
                    sink.await(c -> "cold-1".equals(c.attr("faas.invocation_id")), java.time.Duration.ofSeconds(10));
                }
                return new Run((api.initEndedNanos() - t0) / 1e6, (inv.endedNanos - t0) / 1e6, rss, cpu);
            } finally {
                if (fn != null) {
                    fn.kill();
                }
                if (external != null) {
                    external.destroyForcibly();
                    external.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Process startExternal(String runtimeApi) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(EXTENSION_JVM_FLAGS);
        cmd.add("-cp");
        cmd.add(FunctionProcess.agentJar().toAbsolutePath() + File.pathSeparator
                + Paths.get(FunctionProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        cmd.add("io.lambdascope.agent.bench.MinimalExternalExtension");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        return pb.start();
    }

    /** VmHWM of a live process, in MB. */
    static double peakRssMb(long pid) throws Exception {
        for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new AssertionError("no VmHWM for " + pid);
    }

    /** CPU time (user + system) a live process has used so far, in ms (clock ticks of 10 ms). */
    static double cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0; // fields 14 and 15, USER_HZ = 100
    }

    private static String loadAverage() throws Exception {
        String[] f = Files.readString(Paths.get("/proc/loadavg")).split(" ");
        return f[0] + " / " + f[1] + " / " + f[2];
    }

    private static String table(Map<Variant, List<Run>> runs, int rounds, String loadBefore, String loadAfter,
                                long seconds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d interleaved rounds after a discarded one, %d s; load average before %s, "
                + "after %s; %d cores.%n%n", rounds, seconds, loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors()));
        sb.append("| variant | init, median ms | p25–p75 | added init ms | cold invocation, median ms | "
                + "CPU of all processes, median ms | added CPU ms | peak RSS of all processes, median MB | "
                + "added RSS MB |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Run> base = runs.get(Variant.NONE);
        Map<Variant, Double> addedInitMedian = new LinkedHashMap<>();
        Map<Variant, Double> addedRssMedian = new LinkedHashMap<>();
        for (Map.Entry<Variant, List<Run>> e : runs.entrySet()) {
            List<Run> r = e.getValue();
            double[] init = new double[r.size()];
            double[] cold = new double[r.size()];
            double[] rss = new double[r.size()];
            double[] addedInit = new double[r.size()];
            double[] addedRss = new double[r.size()];
            double[] cpu = new double[r.size()];
            double[] addedCpu = new double[r.size()];
            for (int i = 0; i < r.size(); i++) {
                cpu[i] = r.get(i).cpuMillis;
                addedCpu[i] = r.get(i).cpuMillis - base.get(i).cpuMillis;
                init[i] = r.get(i).initMillis;
                cold[i] = r.get(i).coldMillis;
                rss[i] = r.get(i).rssMb;
                addedInit[i] = r.get(i).initMillis - base.get(i).initMillis;
                addedRss[i] = r.get(i).rssMb - base.get(i).rssMb;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f–%.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.1f |%n",
                    e.getKey().label, quantile(init, 0.5), quantile(init, 0.25), quantile(init, 0.75),
                    quantile(addedInit, 0.5), quantile(cold, 0.5), quantile(cpu, 0.5), quantile(addedCpu, 0.5),
                    quantile(rss, 0.5), quantile(addedRss, 0.5)));
            addedInitMedian.put(e.getKey(), quantile(addedInit, 0.5));
            addedRssMedian.put(e.getKey(), quantile(addedRss, 0.5));
        }
        Double otelInit = addedInitMedian.get(Variant.OTEL);
        if (otelInit != null) {
            sb.append("\n| ratio to the OpenTelemetry agent's addition | added init | added peak RSS |\n"
                    + "|---|---:|---:|\n");
            for (Variant v : new Variant[] {Variant.INTERNAL, Variant.DIRECT_EXTERNAL}) {
                sb.append(String.format(Locale.ROOT, "| %s | %.3f (1/%.0f) | %.3f (1/%.0f) |%n", v.label,
                        addedInitMedian.get(v) / otelInit, otelInit / addedInitMedian.get(v),
                        addedRssMedian.get(v) / addedRssMedian.get(Variant.OTEL),
                        addedRssMedian.get(Variant.OTEL) / addedRssMedian.get(v)));
            }
        }
        return sb.toString();
    }

    static double quantile(double[] values, double q) {
        double[] v = values.clone();
        Arrays.sort(v);
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return v[lo] + (v[hi] - v[lo]) * (pos - lo);
    }
}
