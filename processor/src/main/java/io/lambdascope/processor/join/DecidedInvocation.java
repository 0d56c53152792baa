package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import java.util.List;
import java.util.Set;

/**
 * A decided invocation: the join of the agent's span and the platform's report, with the outcome
 * decided (the platform's outcome when it has one, else the agent's timeout record, else the
 * span's; docs/processor.md "Deciding an invocation").
 *
 * @param basis which records decided it: {@code span+report}, {@code span}, {@code report} or
 *     {@code provisional-timeout} (a watchdog record with no correction within the grace period)
 * @param duplicateKind {@code redelivery}, {@code retry}, {@code replay} or null
 */
public record DecidedInvocation(
    String function,
    String invocationId,
    String deliveryId,
    long timestampMs,
    String trigger,
    String outcome,
    boolean coldstart,
    double durationSeconds,
    double initDurationSeconds,
    String errorType,
    String errorMessage,
    String timeoutStack,
    List<String> dedupKeys,
    long memoryBytes,
    long maxMemoryBytes,
    long timeoutMs,
    String basis,
    String duplicateKind) {

  public static final Set<String> TRIGGERS = Set.of("http", "pubsub", "datasource", "timer", "other");

  public DecidedInvocation withDuplicateKind(String kind) {
    return new DecidedInvocation(function, invocationId, deliveryId, timestampMs, trigger, outcome, coldstart,
        durationSeconds, initDurationSeconds, errorType, errorMessage, timeoutStack, dedupKeys, memoryBytes,
        maxMemoryBytes, timeoutMs, basis, kind);
  }

  private static final long MIB = 1L << 20;

  /** Decides outcome, duration and the rest from what arrived. */
  public static DecidedInvocation from(PendingInvocation p) {
    InvocationSpan span = p.bestSpan();
    PlatformEvent report = p.report();
    String outcome;
    String basis;
    if (report != null && report.status() != null) {
      outcome = platformOutcome(report.status());
      basis = span == null ? "report" : "span+report";
    } else if (span != null) {
      outcome = span.provisional() ? "timeout" : spanOutcome(span.outcome());
      basis = span.provisional() ? "provisional-timeout" : (report == null ? "span" : "span+report");
    } else {
      outcome = "success";
      basis = "report";
    }
    double duration = report != null && !Double.isNaN(report.durationMs())
        ? report.durationMs() / 1000.0
        : span == null ? Double.NaN : span.durationSeconds();
    boolean reportCold = report != null && !Double.isNaN(report.initDurationMs());
    boolean cold = (span != null && span.coldstart()) || reportCold;
    double init = Double.NaN;
    if (reportCold) {
      init = report.initDurationMs() / 1000.0;
    } else if (cold && span != null && span.initDurationMs() >= 0) {
      init = span.initDurationMs() / 1000.0;
    }
    String errorType = null;
    if ("error".equals(outcome)) {
      errorType = span != null && span.errorType() != null && !span.errorType().isEmpty()
          ? span.errorType()
          : report != null && report.errorType() != null && !report.errorType().isEmpty()
              ? report.errorType()
              : "unknown";
    }
    long memory = report != null && report.maxMemoryUsedMb() > 0
        ? report.maxMemoryUsedMb() * MIB
        : span == null ? -1 : span.peakRssBytes();
    long maxMemory = span != null && span.maxMemoryBytes() > 0
        ? span.maxMemoryBytes()
        : report != null && report.memorySizeMb() > 0 ? report.memorySizeMb() * MIB : -1;
    String trigger = span == null || !TRIGGERS.contains(span.trigger()) ? "other" : span.trigger();
    long timestamp = span != null && span.endEpochNanos() > 0
        ? span.endEpochNanos() / 1_000_000
        : report != null && report.timeEpochNanos() > 0 ? report.timeEpochNanos() / 1_000_000
        : span != null ? span.recordTimestampMs() : report.recordTimestampMs();
    List<String> keys = span == null
        ? List.of()
        : span.records().stream().limit(16).map(InvocationSpan.DedupRecord::key).toList();
    return new DecidedInvocation(
        span != null ? span.function() : report.function(),
        span != null ? span.invocationId() : report.invocationId(),
        span == null ? null : span.deliveryId(),
        timestamp,
        trigger,
        outcome,
        cold,
        duration,
        init,
        errorType,
        span == null ? null : span.errorMessage(),
        "timeout".equals(outcome) && span != null ? span.timeoutStack() : null,
        keys,
        memory,
        maxMemory,
        span == null ? -1 : span.timeoutMs(),
        basis,
        null);
  }

  private static String platformOutcome(String status) {
    return switch (status) {
      case "success" -> "success";
      case "timeout" -> "timeout";
      default -> "error"; // error, failure and anything new the platform reports
    };
  }

  private static String spanOutcome(String outcome) {
    return switch (outcome) {
      case "success", "error", "timeout" -> outcome;
      default -> "error";
    };
  }
}
