package io.lambdascope.emulator.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One execution environment: a JVM process running the runtime interface client, and its Runtime API server.
 * It runs one invocation at a time; the {@link FunctionRuntime} decides when it is reused or discarded.
 */
final class ExecutionEnvironment {
  final String logStream;
  final Process process;
  final RuntimeApiServer api;
  final long startedNanos;
  volatile long lastUsedNanos;
  /** Whether the next invocation is its first (a cold start). */
  boolean fresh = true;
  long initDurationNanos;

  ExecutionEnvironment(String logStream, Process process, RuntimeApiServer api, long startedNanos) {
    this.logStream = logStream;
    this.process = process;
    this.api = api;
    this.startedNanos = startedNanos;
    this.lastUsedNanos = startedNanos;
    process.onExit().thenAccept(p -> api.processExited(p.exitValue()));
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Peak resident memory of the process (VmHWM), in MB; 0 where /proc is not available. */
  long maxMemoryUsedMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return (kb + 1023) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process may just have exited
    }
    return 0;
  }

  /** Kills the process and everything it started, and stops its Runtime API. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    api.close();
  }
}
