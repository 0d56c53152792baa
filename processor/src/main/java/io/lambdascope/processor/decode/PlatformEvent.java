package io.lambdascope.processor.decode;

/**
 * One Lambda Telemetry API event (or one of the project's own platform-style events) as the
 * collector writes it to the logs topic (docs/telemetry.md section 2). Numbers the event did not
 * carry are -1 (NaN for doubles); strings are null.
 *
 * @param instance the resource's {@code faas.instance}: the execution environment that sent it
 * @param initType {@code initializationType} (init events)
 * @param phase {@code phase} of init events ({@code init}, {@code invoke})
 */
public record PlatformEvent(
    FunctionId id,
    String version,
    String instance,
    String type,
    String invocationId,
    long timeEpochNanos,
    String status,
    String errorType,
    double durationMs,
    long billedDurationMs,
    double initDurationMs,
    double restoreDurationMs,
    long memorySizeMb,
    long maxMemoryUsedMb,
    String initType,
    String phase) implements Telemetry {

  public static final String START = "platform.start";
  public static final String RUNTIME_DONE = "platform.runtimeDone";
  public static final String REPORT = "platform.report";
  public static final String INIT_START = "platform.initStart";
  public static final String INIT_RUNTIME_DONE = "platform.initRuntimeDone";
  public static final String INIT_REPORT = "platform.initReport";
  public static final String THROTTLE = "lambdascope.throttle";
  public static final String UNINSTRUMENTED = "lambdascope.uninstrumented";

  public boolean isReport() {
    return REPORT.equals(type);
  }

  public boolean isThrottle() {
    return THROTTLE.equals(type);
  }

  public boolean isUninstrumented() {
    return UNINSTRUMENTED.equals(type);
  }

  /** initStart, initRuntimeDone or initReport: what the platform says about an environment's init. */
  public boolean isInitEvent() {
    return INIT_START.equals(type) || INIT_RUNTIME_DONE.equals(type) || INIT_REPORT.equals(type);
  }

  /** An init event whose status says the init failed (initRuntimeDone, initReport). */
  public boolean isFailedInit() {
    return (INIT_RUNTIME_DONE.equals(type) || INIT_REPORT.equals(type)) && status != null && !"success".equals(status);
  }

  /**
   * Whether anything after the function registry uses it: reports, throttles, failed inits,
   * uninstrumented environments. The others (platform.start, platform.runtimeDone, initStart, ...)
   * only make the function and its environment known.
   */
  public boolean usedDownstream() {
    return isReport() || isThrottle() || isFailedInit() || isUninstrumented();
  }

  /**
   * Whether an event of this type only makes its function known (platform.start,
   * platform.runtimeDone, and the platform's other events): the decoder reads no more of it than its
   * function and type, and leaves it out when another event of its function came in the same resource.
   */
  public static boolean registersOnly(String type) {
    return !(REPORT.equals(type) || THROTTLE.equals(type) || UNINSTRUMENTED.equals(type) || INIT_START.equals(type)
        || INIT_RUNTIME_DONE.equals(type) || INIT_REPORT.equals(type));
  }

  public boolean registersOnly() {
    return registersOnly(type);
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
  public PlatformEvent withId(FunctionId newId) {
    return new PlatformEvent(newId, version, instance, type, invocationId, timeEpochNanos, status,
        errorType, durationMs, billedDurationMs, initDurationMs, restoreDurationMs, memorySizeMb, maxMemoryUsedMb,
        initType, phase);
  }
}
