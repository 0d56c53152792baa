package io.lambdascope.emulator.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform events of one execution environment, with the records of the Lambda Telemetry API schema reference
 * (schema 2022-12-13), published to the environment's subscribers ({@link TelemetryApi}). Lambda emits them
 * whether or not anyone subscribed; without a subscriber they reach nobody.
 */
final class PlatformEventPublisher {
  private final TelemetryApi telemetry;
  private final String functionName;
  private final int memoryMb;
  private final String instanceId;

  PlatformEventPublisher(TelemetryApi telemetry, String functionName, int memoryMb, String instanceId) {
    this.telemetry = telemetry;
    this.functionName = functionName;
    this.memoryMb = memoryMb;
    this.instanceId = instanceId;
  }

  /** One event as Lambda posts it: {@code {"time", "type", "record"}}, time in ISO-8601 UTC milliseconds. */
  static byte[] event(Instant time, String type, Object record) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("time", Json.time(time));
    event.put("type", type);
    event.put("record", record);
    return Json.bytes(event);
  }

  private void emit(String type, Map<String, Object> record) {
    telemetry.publish(new TelemetrySubscription.Event("platform", event(Instant.now(), type, record)));
  }

  void initStart(String phase) {
    Map<String, Object> r = init(phase);
    r.put("runtimeVersion", "java:17.lambdascope-emulator");
    r.put("functionName", functionName);
    r.put("functionVersion", "$LATEST");
    r.put("instanceId", instanceId);
    r.put("instanceMaxMemory", memoryMb);
    emit("platform.initStart", r);
  }

  /** The runtime's part of init is over: its first {@code next}, an init error, its exit, or the limit. */
  void initRuntimeDone(String phase, String status, String errorType) {
    Map<String, Object> r = init(phase);
    status(r, status, errorType);
    emit("platform.initRuntimeDone", r);
  }

  /** Init is over: the runtime and every extension called {@code next}, or it failed. */
  void initReport(String phase, String status, String errorType, double durationMs) {
    Map<String, Object> r = init(phase);
    status(r, status, errorType);
    r.put("metrics", Map.of("durationMs", round(durationMs)));
    emit("platform.initReport", r);
  }

  void start(String requestId, String traceId) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("requestId", requestId);
    r.put("version", "$LATEST");
    r.put("tracing", tracing(traceId));
    emit("platform.start", r);
  }

  /**
   * The runtime's part of an invocation is over.
   *
   * @param responseLatencyMs from the start to the runtime's first byte of response; negative when there was none
   */
  void runtimeDone(String requestId, String traceId, String status, String errorType, double durationMs,
      long producedBytes, Instant start, double responseLatencyMs, double responseDurationMs) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("requestId", requestId);
    status(r, status, errorType);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("durationMs", round(durationMs));
    metrics.put("producedBytes", producedBytes);
    r.put("metrics", metrics);
    if (responseLatencyMs >= 0) {
      Instant responseStart = start.plusNanos((long) (responseLatencyMs * 1e6));
      r.put("spans", List.of(
          span("responseLatency", start, responseLatencyMs),
          span("responseDuration", responseStart, responseDurationMs)));
    }
    r.put("tracing", tracing(traceId));
    emit("platform.runtimeDone", r);
  }

  /**
   * The invocation is over: the runtime and every extension registered for INVOKE called {@code next}.
   *
   * @param initDurationMs the init of a cold start, or negative
   */
  void report(String requestId, String traceId, String status, String errorType, double durationMs,
      long maxMemoryUsedMb, double initDurationMs) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("requestId", requestId);
    status(r, status, errorType);
    Map<String, Object> metrics = new LinkedHashMap<>();
    double duration = round(durationMs);
    metrics.put("durationMs", duration);
    metrics.put("billedDurationMs", (long) Math.ceil(duration));
    metrics.put("memorySizeMB", memoryMb);
    metrics.put("maxMemoryUsedMB", maxMemoryUsedMb);
    if (initDurationMs >= 0) {
      metrics.put("initDurationMs", round(initDurationMs));
    }
    r.put("metrics", metrics);
    r.put("tracing", tracing(traceId));
    emit("platform.report", r);
  }

  /** An extension finished its init ({@code state: Ready}) or failed it. */
  void extension(String name, List<String> events, String state, String errorType) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", name);
    r.put("state", state);
    r.put("events", events);
    if (errorType != null) {
      r.put("errorType", errorType);
    }
    emit("platform.extension", r);
  }

  void telemetrySubscription(String name, List<String> types) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", name);
    r.put("state", "Subscribed");
    r.put("types", types);
    emit("platform.telemetrySubscription", r);
  }

  private static Map<String, Object> init(String phase) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("initializationType", "on-demand");
    r.put("phase", phase);
    return r;
  }

  private static void status(Map<String, Object> record, String status, String errorType) {
    record.put("status", status);
    if (errorType != null) {
      record.put("errorType", errorType);
    }
  }

  private static Map<String, Object> tracing(String traceId) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", "X-Amzn-Trace-Id");
    t.put("value", traceId);
    return t;
  }

  private static Map<String, Object> span(String name, Instant start, double durationMs) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", name);
    s.put("start", Json.time(start));
    s.put("durationMs", round(durationMs));
    return s;
  }

  /** Milliseconds with two decimals, as Lambda reports them. */
  static double round(double ms) {
    return Math.round(ms * 100) / 100.0;
  }
}
