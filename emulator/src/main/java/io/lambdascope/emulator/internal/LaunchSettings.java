package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * What every execution environment shares: how to start its JVM and what it sees.
 *
 * @param runtimeJvmOptions JVM options the runtime itself needs (where its native library is)
 * @param baseEnvironment variables every environment gets before the function's own: fake credentials, the SQS
 *     endpoint, the agent's settings and JAVA_TOOL_OPTIONS
 */
record LaunchSettings(
    String javaCommand,
    String runtimeClasspath,
    java.util.List<String> runtimeJvmOptions,
    Map<String, String> baseEnvironment,
    Path logDir,
    Path workDir,
    String host,
    String region,
    Duration initTimeout,
    ExecutorService executor) {
  LaunchSettings {
    requireNonNull(javaCommand, "javaCommand");
    requireNonNull(runtimeClasspath, "runtimeClasspath");
    runtimeJvmOptions = java.util.List.copyOf(requireNonNull(runtimeJvmOptions, "runtimeJvmOptions"));
    baseEnvironment = Map.copyOf(requireNonNull(baseEnvironment, "baseEnvironment"));
    requireNonNull(logDir, "logDir");
    requireNonNull(workDir, "workDir");
    requireNonNull(host, "host");
    requireNonNull(region, "region");
    requireNonNull(initTimeout, "initTimeout");
    requireNonNull(executor, "executor");
  }
}
