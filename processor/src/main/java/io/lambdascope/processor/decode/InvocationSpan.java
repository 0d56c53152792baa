package io.lambdascope.processor.decode;

import java.util.List;

/**
 * What the processor keeps of one invocation span record (docs/telemetry.md section 1). Numbers the
 * span did not carry are -1; strings are null.
 *
 * @param version the resource's {@code faas.version}
 * @param instance the resource's {@code faas.instance}: the execution environment
 * @param deliveryId trace id and span id: the agent re-exports a corrected timeout under the same one
 * @param initType {@code lambdascope.init.type} of a cold start
 * @param duplicateKind set by the dedup step: the kind of the last of its records that repeats an
 *     earlier delivery, or null
 * @param knownDelivery set by the dedup step: this very delivery (trace and span id) was seen before
 *     (a record consumed twice, or a timeout's correction)
 * @param architecture the resource's {@code host.arch}, or null (not kept while the invocation waits)
 */
public record InvocationSpan(
    FunctionId id,
    String version,
    String instance,
    String invocationId,
    String deliveryId,
    long startEpochNanos,
    long endEpochNanos,
    String trigger,
    boolean coldstart,
    String initType,
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
    long droppedEvents,
    String timeoutStack,
    List<DedupRecord> records,
    List<DownstreamThrottle> downstreamThrottles,
    String duplicateKind,
    boolean knownDelivery,
    String architecture) implements Telemetry {

  /** One {@code lambdascope.record} span event. deliveryCount is -1 when the source has none. */
  public record DedupRecord(String source, String key, String messageId, long deliveryCount) {}

  /** One {@code lambdascope.downstream_throttle} span event. */
  public record DownstreamThrottle(String service, String operation) {}

  @Override
  public InvocationSpan withId(FunctionId newId) {
    return new InvocationSpan(newId, version, instance, invocationId, deliveryId, startEpochNanos,
        endEpochNanos, trigger, coldstart, initType, outcome, provisional, errorType, errorMessage, eventSource,
        timeoutMs, initDurationMs, peakRssBytes, maxMemoryBytes, droppedSpans, droppedEvents, timeoutStack, records,
        downstreamThrottles, duplicateKind, knownDelivery, architecture);
  }

  /** The same span with what the dedup step found. */
  public InvocationSpan withCheck(String repeatKind, boolean known) {
    return new InvocationSpan(id, version, instance, invocationId, deliveryId, startEpochNanos,
        endEpochNanos, trigger, coldstart, initType, outcome, provisional, errorType, errorMessage, eventSource,
        timeoutMs, initDurationMs, peakRssBytes, maxMemoryBytes, droppedSpans, droppedEvents, timeoutStack, records,
        downstreamThrottles, repeatKind, known, architecture);
  }

  public double durationSeconds() {
    if (startEpochNanos <= 0 || endEpochNanos < startEpochNanos) {
      return Double.NaN;
    }
    return (endEpochNanos - startEpochNanos) / 1e9;
  }
}
