package io.lambdascope.processor.internal;

/**
 * One Lambda Telemetry API event as the collector writes it to the logs topic (docs/telemetry.md
 * section 2). Numbers the event did not carry are -1 (NaN for doubles); strings are null.
 */
public record PlatformEvent(
    String function,
    String type,
    String invocationId,
    long recordTimestampMs,
    long timeEpochNanos,
    String status,
    String errorType,
    double durationMs,
    double initDurationMs,
    long memorySizeMb,
    long maxMemoryUsedMb,
    String throttleReason) {

  public static final String REPORT = "platform.report";
  public static final String THROTTLE = "lambdascope.throttle";

  public boolean isReport() {
    return REPORT.equals(type);
  }

  public boolean isThrottle() {
    return THROTTLE.equals(type);
  }

  public PlatformEvent withFunction(String name) {
    return new PlatformEvent(name, type, invocationId, recordTimestampMs, timeEpochNanos, status, errorType, durationMs,
        initDurationMs, memorySizeMb, maxMemoryUsedMb, throttleReason);
  }

  public String invocationKey() {
    return InvocationKeys.of(function, invocationId);
  }
}
