package io.lambdascope.processor.decode;

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
    String throttleReason) implements Telemetry {

  public static final String REPORT = "platform.report";
  public static final String THROTTLE = "lambdascope.throttle";

  public boolean isReport() {
    return REPORT.equals(type);
  }

  public boolean isThrottle() {
    return THROTTLE.equals(type);
  }

  /** A report the join can use: it names the invocation it reports on. */
  public boolean isJoinableReport() {
    return isReport() && invocationId != null && !invocationId.isEmpty();
  }

  /** The configured memory in bytes; -1 when the event does not say. */
  public long memorySizeBytes() {
    return memorySizeMb > 0 ? memorySizeMb << 20 : -1;
  }

  @Override
  public PlatformEvent withFunction(String name) {
    return new PlatformEvent(name, type, invocationId, recordTimestampMs, timeEpochNanos, status, errorType, durationMs,
        initDurationMs, memorySizeMb, maxMemoryUsedMb, throttleReason);
  }
}
