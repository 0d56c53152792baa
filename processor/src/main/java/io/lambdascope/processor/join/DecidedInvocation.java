package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.state.Environments;
import io.lambdascope.processor.state.FunctionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A decided invocation: the join of the agent's span and the platform's report, with the outcome
 * decided (the platform's outcome when it has one, else the agent's timeout record, else the
 * span's; docs/processor.md "Deciding an invocation").
 *
 * @param instance the execution environment ({@code faas.instance})
 * @param basis which records decided it: {@code span+report}, {@code span}, {@code report} or
 *     {@code provisional-timeout} (a watchdog record with no correction within the grace period)
 * @param duplicateKind {@code redelivery}, {@code retry}, {@code replay} or null
 * @param figures the report's figures, or null while they wait for a late report
 */
public record DecidedInvocation(
    FunctionId id,
    String version,
    String instance,
    String invocationId,
    String deliveryId,
    long timestampMs,
    String trigger,
    String outcome,
    boolean coldstart,
    String initType,
    double durationSeconds,
    String errorType,
    String errorMessage,
    String timeoutStack,
    List<String> dedupKeys,
    long timeoutMs,
    String basis,
    String duplicateKind,
    ReportFigures figures) {

  public static final Set<String> TRIGGERS = Set.copyOf(FunctionState.TRIGGERS);
  private static final long MIB = 1L << 20;

  /** The function's name. */
  public String function() {
    return id.name();
  }

  public double initDurationSeconds() {
    return figures == null ? Double.NaN : figures.initDurationSeconds();
  }

  public long memoryBytes() {
    return figures == null ? -1 : figures.memoryBytes();
  }

  /**
   * Decides outcome, duration and the rest from what arrived. {@code env} is the invocation's
   * environment (for a cold start's init type and duration), null if unknown. With {@code
   * reportExpected} and no report, the report's figures are left for later ({@link #deferred}).
   */
  static DecidedInvocation from(PendingInvocation p, FunctionState fs, Environments.State env, boolean reportExpected) {
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
    boolean reportCold = report != null
        && (!Double.isNaN(report.initDurationMs()) || !Double.isNaN(report.restoreDurationMs()));
    boolean cold = (span != null && span.coldstart()) || reportCold;
    String initType = cold ? initType(span, env) : null;
    String errorType = "error".equals(outcome) ? errorType(span, report) : null;
    String trigger = span == null || !TRIGGERS.contains(span.trigger()) ? "other" : span.trigger();
    long timestamp = span != null && span.endEpochNanos() > 0
        ? span.endEpochNanos() / 1_000_000
        : report != null && report.timeEpochNanos() > 0 ? report.timeEpochNanos() / 1_000_000
        : p.streamTime();
    long timeoutMs = span != null && span.timeoutMs() > 0 ? span.timeoutMs() : fs.timeoutMs();
    long maxMemory = span != null && span.maxMemoryBytes() > 0 ? span.maxMemoryBytes()
        : report != null && report.memorySizeBytes() > 0 ? report.memorySizeBytes() : fs.maxMemoryBytes();
    ReportFigures figures = null;
    if (report != null || !reportExpected) {
      double init = Double.NaN;
      if (cold) {
        init = report != null && !Double.isNaN(report.initDurationMs()) ? report.initDurationMs() / 1000.0
            : envInit(env, span);
      }
      long memory = report != null && report.maxMemoryUsedMb() > 0 ? report.maxMemoryUsedMb() * MIB
          : span == null ? -1 : span.peakRssBytes();
      figures = new ReportFigures(cold, initType, init, memory, maxMemory,
          report == null ? -1 : report.billedDurationMs(),
          report == null || Double.isNaN(report.restoreDurationMs()) ? Double.NaN : report.restoreDurationMs() / 1000.0,
          provisioned(env, span == null ? null : span.initType()), "timeout".equals(outcome));
    }
    List<String> keys = new ArrayList<>();
    String duplicateKind = null;
    for (InvocationSpan s : p.spans()) {
      if (s.duplicateKind() != null) {
        duplicateKind = s.duplicateKind();
      }
    }
    if (span != null) {
      for (InvocationSpan.DedupRecord r : span.records()) {
        if (keys.size() == 16) {
          break;
        }
        keys.add(r.key());
      }
    }
    return new DecidedInvocation(
        span != null ? span.id() : report.id(),
        span != null && span.version() != null ? span.version() : report == null ? null : report.version(),
        span != null && span.instance() != null ? span.instance() : report == null ? null : report.instance(),
        span != null ? span.invocationId() : report.invocationId(),
        span == null ? null : span.deliveryId(),
        timestamp,
        trigger,
        outcome,
        cold,
        initType,
        duration,
        errorType,
        span == null ? null : span.errorMessage(),
        "timeout".equals(outcome) && span != null ? span.timeoutStack() : null,
        List.copyOf(keys),
        timeoutMs,
        basis,
        duplicateKind,
        figures);
  }

  /** What a span-only decision leaves for its late report. */
  Deferred deferred(InvocationSpan span) {
    return new Deferred(coldstart, initType, span == null || span.initDurationMs() < 0 ? Double.NaN
        : span.initDurationMs() / 1000.0, span == null ? -1 : span.peakRssBytes(),
        span != null && span.maxMemoryBytes() > 0 ? span.maxMemoryBytes() : -1, instance);
  }

  /** The figures of a late report joined to its decided invocation. */
  static ReportFigures lateFigures(Deferred d, PlatformEvent report, Environments.State env) {
    double init = Double.NaN;
    if (d.coldstart()) {
      init = !Double.isNaN(report.initDurationMs()) ? report.initDurationMs() / 1000.0
          : env != null && !Double.isNaN(env.initDurationMs()) ? env.initDurationMs() / 1000.0
          : d.spanInitDurationSeconds();
    }
    long memory = report.maxMemoryUsedMb() > 0 ? report.maxMemoryUsedMb() * MIB : d.spanPeakRssBytes();
    long maxMemory = d.maxMemoryBytes() > 0 ? d.maxMemoryBytes() : report.memorySizeBytes();
    return new ReportFigures(d.coldstart(), d.initType(), init, memory, maxMemory, report.billedDurationMs(),
        Double.isNaN(report.restoreDurationMs()) ? Double.NaN : report.restoreDurationMs() / 1000.0,
        provisioned(env, d.coldstart() ? d.initType() : null), "timeout".equals(report.status()));
  }

  /** The figures of an invocation whose late report never came: the span's. */
  static ReportFigures spanFigures(Deferred d, Environments.State env) {
    double init = Double.NaN;
    if (d.coldstart()) {
      init = env != null && !Double.isNaN(env.initDurationMs()) ? env.initDurationMs() / 1000.0
          : d.spanInitDurationSeconds();
    }
    return new ReportFigures(d.coldstart(), d.initType(), init, d.spanPeakRssBytes(), d.maxMemoryBytes(), -1,
        Double.NaN, false, false);
  }

  /** Whether the environment was initialized for provisioned concurrency: the platform's init type, else the span's. */
  private static boolean provisioned(Environments.State env, String spanInitType) {
    String t = env != null && env.initType() != null ? env.initType() : spanInitType;
    return "provisioned-concurrency".equals(t);
  }

  /** The platform's {@code initializationType}, else the span's {@code lambdascope.init.type}, else unknown. */
  private static String initType(InvocationSpan span, Environments.State env) {
    String t = env != null && env.initType() != null ? env.initType() : span == null ? null : span.initType();
    return FunctionState.INIT_TYPES.get(FunctionState.initTypeIndex(t));
  }

  private static double envInit(Environments.State env, InvocationSpan span) {
    if (env != null && !Double.isNaN(env.initDurationMs())) {
      return env.initDurationMs() / 1000.0;
    }
    return span != null && span.initDurationMs() >= 0 ? span.initDurationMs() / 1000.0 : Double.NaN;
  }

  /**
   * The span's {@code error.type}, else the report's {@code errorType}; for a platform
   * {@code failure} (the runtime itself failed) the platform's first.
   */
  private static String errorType(InvocationSpan span, PlatformEvent report) {
    String fromSpan = span == null || span.errorType() == null || span.errorType().isEmpty() ? null : span.errorType();
    String fromReport = report == null || report.errorType() == null || report.errorType().isEmpty()
        ? null : report.errorType();
    String first = report != null && "failure".equals(report.status()) ? fromReport : fromSpan;
    String second = first == fromReport ? fromSpan : fromReport;
    return first != null ? first : second != null ? second : "unknown";
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
