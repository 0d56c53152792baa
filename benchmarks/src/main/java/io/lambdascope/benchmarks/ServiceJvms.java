package io.lambdascope.benchmarks;

import io.lambdascope.benchmarks.internal.ChildJvm;
import io.lambdascope.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts {@link ServiceMain} in its own JVM against the harness's broker. */
final class ServiceJvms {
  /** Heap of the service JVM: what a small deployment would give it. */
  static final String HEAP = "-Xmx512m";

  private ServiceJvms() {}

  static ChildJvm start(RunContext context, String parts, String bootstrap, Map<String, String> extra) throws Exception {
    Path work = context.workspace().workDir();
    Path state = Files.createTempDirectory(work, "processor-state");
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("LAMBDASCOPE_OTLP_HOST", "127.0.0.1");
    env.put("LAMBDASCOPE_OTLP_PORT", Integer.toString(EmbeddedKafka.freePort()));
    env.put("LAMBDASCOPE_METRICS_HOST", "127.0.0.1");
    env.put("LAMBDASCOPE_METRICS_PORT", "0");
    env.put("LAMBDASCOPE_STATE_DIR", state.toString());
    env.put("LAMBDASCOPE_APPLICATION_ID", "bench-" + state.getFileName());
    env.putAll(extra);
    List<String> cmd = new ArrayList<>(List.of(context.workspace().javaBin().toString(), HEAP));
    // Extra flags for the service JVM, e.g. a JFR recording when looking for where its CPU goes.
    String flags = System.getenv("BENCH_SERVICE_OPTS");
    if (flags != null && !flags.isBlank()) {
      cmd.addAll(List.of(flags.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-cp", context.workspace().harnessClasspath(), ServiceMain.class.getName(), parts));
    Path log = Files.createTempFile(work, "service-" + parts.replace(',', '-'), ".log");
    return ChildJvm.start(cmd, env, work, log, 120);
  }
}
