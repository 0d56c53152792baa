package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * What every execution environment shares: how to start its runtime and what it sees.
 *
 * @param runtimeJvmOptions JVM options the runtime itself needs (where its native library is)
 * @param baseEnvironment variables every environment gets before the function's own: fake credentials, the SQS
 *     endpoint, the agent's settings
 * @param freeze whether idle environments are stopped (SIGSTOP) between invocations
 * @param signals how environments are stopped and continued
 */
record LaunchSettings(
    String javaCommand,
    String runtimeClasspath,
    List<String> runtimeJvmOptions,
    Map<String, String> baseEnvironment,
    Path workDir,
    String host,
    String region,
    Duration initTimeout,
    boolean freeze,
    ExecutorService executor,
    ProcessSignals signals) {
  LaunchSettings {
    requireNonNull(javaCommand, "javaCommand");
    requireNonNull(runtimeClasspath, "runtimeClasspath");
    runtimeJvmOptions = List.copyOf(requireNonNull(runtimeJvmOptions, "runtimeJvmOptions"));
    baseEnvironment = Map.copyOf(requireNonNull(baseEnvironment, "baseEnvironment"));
    requireNonNull(workDir, "workDir");
    requireNonNull(host, "host");
    requireNonNull(region, "region");
    requireNonNull(initTimeout, "initTimeout");
    requireNonNull(executor, "executor");
    requireNonNull(signals, "signals");
  }
}
