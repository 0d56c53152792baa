package io.lambdascope.processor.decode;

import java.util.List;

/**
 * What the processor keeps of one invocation span record (docs/telemetry.md section 1). Numbers the
 * span did not carry are -1; strings are null.
 *
 * @param deliveryId trace id and span id: the agent re-exports a corrected timeout under the same one
 * @param recordTimestampMs the Kafka record's timestamp, the stream time the dedup window runs on
 */
public record InvocationSpan(
    String function,
    String invocationId,
    String deliveryId,
    long recordTimestampMs,
    long startEpochNanos,
    long endEpochNanos,
    String trigger,
    boolean coldstart,
    String outcome,
    boolean provisional,
    String errorType,
    String errorMessage,
    String eventSource,
    long timeoutMs,
    long initDurationMs,
    long peakRssBytes,
    long maxMemoryBytes,
    long droppedSpans,
    String timeoutStack,
    List<DedupRecord> records,
    List<DownstreamThrottle> downstreamThrottles) implements Telemetry {

  /** One {@code lambdascope.record} span event. deliveryCount is -1 when the source has none. */
  public record DedupRecord(String source, String key, String messageId, long deliveryCount) {}

  /** One {@code lambdascope.downstream_throttle} span event. */
  public record DownstreamThrottle(String service, String operation) {}

  @Override
  public InvocationSpan withFunction(String name) {
    return new InvocationSpan(name, invocationId, deliveryId, recordTimestampMs, startEpochNanos, endEpochNanos, trigger,
        coldstart, outcome, provisional, errorType, errorMessage, eventSource, timeoutMs, initDurationMs, peakRssBytes,
        maxMemoryBytes, droppedSpans, timeoutStack, records, downstreamThrottles);
  }

  public double durationSeconds() {
    if (startEpochNanos <= 0 || endEpochNanos < startEpochNanos) {
      return Double.NaN;
    }
    return (endEpochNanos - startEpochNanos) / 1e9;
  }
}
