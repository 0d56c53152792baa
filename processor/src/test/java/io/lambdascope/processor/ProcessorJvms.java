package io.lambdascope.processor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Processors in JVMs of their own ({@link ForkedProcessorMain}), for tests that kill them with
 * SIGKILL. Closing it kills whatever is still running.
 */
public final class ProcessorJvms implements AutoCloseable {
  /** A running processor JVM and its HTTP port. */
  public record Jvm(Process process, int port) {
    /** SIGKILL, and wait for the process to be gone. */
    public void kill() throws InterruptedException {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private final List<Process> children = new ArrayList<>();

  /**
   * Starts a processor with these settings on top of the test's defaults: the broker, a client file
   * (which lets the group notice a killed member within seconds), any free HTTP port.
   */
  public Jvm start(String bootstrap, Path clientConfig, Path stateDir, Map<String, String> settings) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), ForkedProcessorMain.class.getName());
    Map<String, String> env = pb.environment();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("LAMBDASCOPE_KAFKA_CONFIG", clientConfig.toString());
    env.put("LAMBDASCOPE_METRICS_PORT", "0");
    env.put("LAMBDASCOPE_STATE_DIR", stateDir.toString());
    env.putAll(settings);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    synchronized (children) {
      children.add(p);
    }
    return new Jvm(p, awaitPort(p));
  }

  /** Reads the child's output until its "PORT n" line; errors after that are copied to this test's output. */
  private static int awaitPort(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("PORT ")) {
            port.complete(Integer.parseInt(line.substring(5).trim()));
          } else if (line.contains("ERROR") || line.contains("Exception")) {
            System.out.println("[child " + p.pid() + "] " + line);
          }
        }
      } catch (IOException e) {
        // the child was killed
      }
      port.completeExceptionally(new IllegalStateException("child exited before listening"));
    }, "child-output");
    t.setDaemon(true);
    t.start();
    return port.get(90, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    synchronized (children) {
      children.forEach(Process::destroyForcibly);
      for (Process p : children) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
