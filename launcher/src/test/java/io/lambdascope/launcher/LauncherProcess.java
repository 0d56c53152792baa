package io.lambdascope.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code bin/lambdascope} run as a user runs it, in a process of its own, output in a file. */
final class LauncherProcess implements AutoCloseable {
  private final Process process;
  private final Path output;

  private LauncherProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  static LauncherProcess start(Path workDir, List<String> args) throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    List<String> command = new ArrayList<>();
    command.add(root.resolve("bin/lambdascope").toString());
    command.addAll(args);
    // Kept under target/ after the test, for whoever reads a failure.
    Path logs = Path.of(System.getProperty("user.dir"), "target", "e2e-logs");
    Files.createDirectories(logs);
    Path output = Files.createTempFile(logs, String.join("-", args.subList(0, 1)) + "-", ".out");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
    builder.environment().put("LAMBDASCOPE_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC");
    Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
    return new LauncherProcess(process, output);
  }

  /** Runs a command that ends by itself; returns its output, failing on a non-zero exit. */
  static String run(Path workDir, List<String> args) throws IOException, InterruptedException {
    LauncherProcess p = start(workDir, args);
    if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
      p.close();
      throw new AssertionError("lambdascope " + args + " did not end within 60 s:\n" + p.output());
    }
    if (p.process.exitValue() != 0) {
      throw new AssertionError("lambdascope " + args + " exited " + p.process.exitValue() + ":\n" + p.output());
    }
    return p.output();
  }

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** Every process started below it, now (execution environments of the emulator, for one). */
  List<ProcessHandle> descendants() {
    return process.descendants().toList();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM and waits; returns the exit status. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("lambdascope did not stop within 60 s of SIGTERM:\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
