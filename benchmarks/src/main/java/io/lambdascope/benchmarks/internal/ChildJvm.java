package io.lambdascope.benchmarks.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A long-lived helper JVM that prints a {@code ready ...} line and stops when its standard input closes. */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final String readyLine;

  private ChildJvm(Process process, String readyLine) {
    this.process = process;
    this.readyLine = readyLine;
  }

  public static ChildJvm start(List<String> command, Map<String, String> env, Path workDir, Path log, long readySeconds)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    builder.redirectError(log.toFile());
    Process process = builder.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.startsWith("ready")) {
                    return line;
                  }
                }
                return null;
              } catch (IOException e) {
                return null;
              }
            });
    try {
      String line = ready.get(readySeconds, TimeUnit.SECONDS);
      if (line == null) {
        throw new IOException("child JVM exited before it was ready; see " + log);
      }
      return new ChildJvm(process, line);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      throw new IOException("child JVM not ready within " + readySeconds + " s; see " + log, e);
    }
  }

  /** The integer after {@code name=} in the ready line. */
  public int readyValue(String name) {
    for (String part : readyLine.split("\\s+")) {
      if (part.startsWith(name + "=")) {
        return Integer.parseInt(part.substring(name.length() + 1));
      }
    }
    throw new IllegalStateException("no " + name + " in " + readyLine);
  }

  public long pid() {
    return process.pid();
  }

  public double cpuSeconds() throws IOException {
    return Machine.cpuSeconds(process.pid());
  }

  @Override
  public void close() throws InterruptedException {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
