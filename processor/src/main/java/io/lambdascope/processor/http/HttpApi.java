package io.lambdascope.processor.http;

import io.lambdascope.processor.findings.Finding;
import io.lambdascope.processor.join.DecidedInvocation;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The processor's HTTP port: /metrics, /health/live, /health/ready, /api/findings and
 * /api/invocations. Store reads run on worker threads, never on the event loop.
 */
public final class HttpApi {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final PrometheusMeterRegistry registry;
  private final Supplier<List<Finding>> findings;
  private final RecentInvocations recent;
  private final BooleanSupplier ready;
  private final Supplier<String> state;

  public HttpApi(PrometheusMeterRegistry registry, Supplier<List<Finding>> findings, RecentInvocations recent,
      BooleanSupplier ready, Supplier<String> state) {
    this.registry = registry;
    this.findings = findings;
    this.recent = recent;
    this.ready = ready;
    this.state = state;
  }

  /** Starts listening; returns the server once bound. */
  public HttpServer listen(Vertx vertx, String host, int port) throws Exception {
    Router router = Router.router(vertx);
    router.get("/metrics").blockingHandler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()), false);
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> {
      boolean ok = ready.getAsBoolean();
      json(ctx, ok ? 200 : 503, new JsonObject().put("status", ok ? "UP" : "DOWN").put("streams", state.get()));
    });
    router.get("/api/findings").blockingHandler(this::listFindings, false);
    router.get("/api/invocations").handler(this::invocations);
    return vertx.createHttpServer().requestHandler(router).listen(port, host)
        .toCompletionStage().toCompletableFuture().get();
  }

  private void listFindings(RoutingContext ctx) {
    JsonArray items = new JsonArray();
    for (Finding f : findings.get()) {
      items.add(new JsonObject().put("tenant", f.id().tenant()).put("cloud_account_id", f.id().account())
          .put("cloud_region", f.id().region()).put("function", f.function()).put("kind", f.kind())
          .put("seen", f.seen()).put("change", f.change()));
    }
    json(ctx, 200, new JsonObject().put("findings", items));
  }

  private void invocations(RoutingContext ctx) {
    Predicate<DecidedInvocation> filter;
    long after;
    int limit;
    try {
      filter = filter(ctx);
      after = longParam(ctx, "after", -1);
      limit = (int) longParam(ctx, "limit", DEFAULT_LIMIT);
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
      }
    } catch (IllegalArgumentException e) {
      json(ctx, 400, new JsonObject().put("error", e.getMessage()));
      return;
    }
    RecentInvocations.Page page = recent.query(filter, after, limit);
    JsonArray items = new JsonArray();
    for (RecentInvocations.Entry e : page.entries()) {
      items.add(toJson(e));
    }
    json(ctx, 200, new JsonObject().put("invocations", items).put("cursor", page.cursor()));
  }

  private static Predicate<DecidedInvocation> filter(RoutingContext ctx) {
    Predicate<DecidedInvocation> p = i -> true;
    String function = ctx.request().getParam("function");
    if (function != null) {
      p = p.and(i -> i.function().equals(function));
    }
    String outcome = ctx.request().getParam("outcome");
    if (outcome != null) {
      if (!List.of("success", "error", "timeout").contains(outcome)) {
        throw new IllegalArgumentException("outcome must be success, error or timeout");
      }
      p = p.and(i -> i.outcome().equals(outcome));
    }
    String coldstart = ctx.request().getParam("coldstart");
    if (coldstart != null) {
      if (!coldstart.equals("true") && !coldstart.equals("false")) {
        throw new IllegalArgumentException("coldstart must be true or false");
      }
      boolean cold = Boolean.parseBoolean(coldstart);
      p = p.and(i -> i.coldstart() == cold);
    }
    String trigger = ctx.request().getParam("trigger");
    if (trigger != null) {
      p = p.and(i -> i.trigger().equals(trigger));
    }
    long since = timeParam(ctx, "since");
    if (since >= 0) {
      p = p.and(i -> i.timestampMs() >= since);
    }
    long until = timeParam(ctx, "until");
    if (until >= 0) {
      p = p.and(i -> i.timestampMs() < until);
    }
    return p;
  }

  private static long longParam(RoutingContext ctx, String name, long dflt) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return dflt;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer: " + v);
    }
  }

  /** Epoch milliseconds or ISO-8601 instant; -1 when absent. */
  private static long timeParam(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return -1;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      try {
        return Instant.parse(v).toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(name + " must be epoch milliseconds or an ISO-8601 instant: " + v);
      }
    }
  }

  static JsonObject toJson(RecentInvocations.Entry e) {
    DecidedInvocation i = e.invocation();
    JsonObject o = new JsonObject()
        .put("seq", e.seq())
        .put("time", Instant.ofEpochMilli(i.timestampMs()).toString())
        .put("tenant", i.id().tenant())
        .put("cloud_account_id", i.id().account())
        .put("cloud_region", i.id().region())
        .put("function", i.function())
        .put("invocation_id", i.invocationId())
        .put("trigger", i.trigger())
        .put("outcome", i.outcome())
        .put("coldstart", i.coldstart())
        .put("basis", i.basis())
        .put("dedup_keys", new JsonArray(i.dedupKeys()));
    if (!Double.isNaN(i.durationSeconds())) {
      o.put("duration_ms", Math.round(i.durationSeconds() * 1e6) / 1e3);
    }
    if (!Double.isNaN(i.initDurationSeconds())) {
      o.put("init_duration_ms", Math.round(i.initDurationSeconds() * 1e6) / 1e3);
    }
    putIf(o, "error_type", i.errorType());
    putIf(o, "error_message", i.errorMessage());
    putIf(o, "timeout_stack", i.timeoutStack());
    putIf(o, "duplicate", i.duplicateKind());
    if (i.memoryBytes() > 0) {
      o.put("memory_bytes", i.memoryBytes());
    }
    return o;
  }

  private static void putIf(JsonObject o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
