package io.lambdascope.benchmarks.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A long-lived helper JVM that prints a {@code ready ...} line and stops when its standard input
 * closes. Lines it prints after that can be awaited ({@link #awaitLine}); lines can be sent to it
 * ({@link #send}).
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final String readyLine;
  private final BlockingQueue<String> lines;
  private final Writer input;

  private ChildJvm(Process process, String readyLine, BlockingQueue<String> lines) {
    this.process = process;
    this.readyLine = readyLine;
    this.lines = lines;
    this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
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
    CompletableFuture<String> ready = new CompletableFuture<>();
    BlockingQueue<String> later = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  if (!ready.isDone() && line.startsWith("ready")) {
                    ready.complete(line);
                  } else if (ready.isDone()) {
                    later.add(line);
                  }
                }
              } catch (IOException e) {
                // the child is gone
              }
              ready.complete(null);
            },
            "child-jvm-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      String line = ready.get(readySeconds, TimeUnit.SECONDS);
      if (line == null) {
        throw new IOException("child JVM exited before it was ready; see " + log);
      }
      return new ChildJvm(process, line, later);
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

  /** Sends one line to the child's standard input. */
  public void send(String line) throws IOException {
    input.write(line + "\n");
    input.flush();
  }

  /** The next line the child printed that starts with {@code prefix} (others are dropped); null at the deadline. */
  public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      String line = lines.poll(left, TimeUnit.NANOSECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
    }
  }

  public long pid() {
    return process.pid();
  }

  public double cpuSeconds() throws IOException {
    return Machine.cpuSeconds(process.pid());
  }

  /** What its JIT compiler threads used of {@link #cpuSeconds()}. */
  public double compilerCpuSeconds() throws IOException {
    return Machine.compilerCpuSeconds(process.pid());
  }

  @Override
  public void close() throws InterruptedException {
    try {
      input.close();
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
