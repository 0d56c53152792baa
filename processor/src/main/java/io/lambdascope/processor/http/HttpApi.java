package io.lambdascope.processor.http;

import io.lambdascope.httpguard.PemTls;
import io.lambdascope.httpguard.RequestDeadlines;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.findings.Finding;
import io.lambdascope.processor.join.DecidedInvocation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The processor's HTTP port: /metrics, /health/live, /health/ready, /api/findings and
 * /api/invocations. Store reads run on worker threads, never on the event loop.
 *
 * <p>Access ({@link ApiAccess}): health checks are open (orchestrators probe them without
 * credentials; they tell only up or down and the Streams state); /metrics needs an operator token;
 * the API answers a tenant's token with that tenant's data only. Connections too slow to send their
 * request are closed ({@link RequestDeadlines}).
 */
public final class HttpApi {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  /** Where the authenticated caller travels from the access check to the handler. */
  private static final String CALLER = "lambdascope.caller";

  private final PrometheusMeterRegistry registry;
  private final Supplier<List<Finding>> findings;
  private final RecentInvocations recent;
  private final BooleanSupplier ready;
  private final Supplier<String> state;
  private final ApiAccess access;
  private final Map<RequestDeadlines.Expiry, Counter> timedOut = new EnumMap<>(RequestDeadlines.Expiry.class);

  /**
   * @param tenantsByToken bearer token to tenant ({@code *}: operator); empty: no authentication
   */
  public HttpApi(PrometheusMeterRegistry registry, Supplier<List<Finding>> findings, RecentInvocations recent,
      BooleanSupplier ready, Supplier<String> state, Map<String, String> tenantsByToken) {
    this.registry = registry;
    this.findings = findings;
    this.recent = recent;
    this.ready = ready;
    this.state = state;
    this.access = new ApiAccess(tenantsByToken);
    for (RequestDeadlines.Expiry e : RequestDeadlines.Expiry.values()) {
      timedOut.put(e, Counter.builder("lambdascope.processor.connections.timed.out")
          .description("Connections to the HTTP port closed because the client did not send a request in time")
          .tag("reason", e.label()).register(registry));
    }
  }

  /** Starts listening as configured (interface, port, TLS, deadlines); returns the server once bound. */
  public HttpServer listen(Vertx vertx, ProcessorConfig config) throws Exception {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(this::operatorsOnly).blockingHandler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()), false);
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> {
      boolean ok = ready.getAsBoolean();
      json(ctx, ok ? 200 : 503, new JsonObject().put("status", ok ? "UP" : "DOWN").put("streams", state.get()));
    });
    router.get("/api/findings").handler(this::authenticated).blockingHandler(this::listFindings, false);
    router.get("/api/invocations").handler(this::authenticated).handler(this::invocations);

    RequestDeadlines deadlines = new RequestDeadlines(vertx, config.metricsRequestReadTimeout(),
        config.metricsKeepAliveTimeout(), e -> timedOut.get(e).increment());
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.metricsHost())
        .setPort(config.metricsPort())
        // HTTP/1.1 only: the deadlines see a connection as soon as it is accepted.
        .setHttp2ClearTextEnabled(false)
        // A backstop behind the deadlines: nothing moves on the connection (an answer never read).
        .setIdleTimeout((int) config.metricsKeepAliveTimeout().plus(config.metricsRequestReadTimeout()).toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    if (config.metricsTlsCert() != null) {
      PemTls.apply(options, config.metricsTlsCert(), config.metricsTlsKey());
    }
    return deadlines.install(vertx.createHttpServer(options), router).listen()
        .toCompletionStage().toCompletableFuture().get();
  }

  /** Lets a request with a valid token (any, when tokens are off) go on, with its caller; else 401. */
  private void authenticated(RoutingContext ctx) {
    ApiAccess.Caller caller = access.caller(ctx.request().getHeader("Authorization"));
    if (caller == null) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"lambdascope\"");
      json(ctx, 401, new JsonObject().put("error", "missing or unknown bearer token"));
      return;
    }
    ctx.put(CALLER, caller);
    ctx.next();
  }

  /** As {@link #authenticated}, and 403 for a tenant's token: /metrics names every tenant's functions. */
  private void operatorsOnly(RoutingContext ctx) {
    ApiAccess.Caller caller = access.caller(ctx.request().getHeader("Authorization"));
    if (caller != null && !caller.operator()) {
      json(ctx, 403, new JsonObject().put("error", ctx.normalizedPath() + " shows every tenant's functions: it "
          + "needs an operator token (tenant " + ApiAccess.OPERATOR + " in " + ProcessorConfig.METRICS_AUTH_TOKENS + ")"));
      return;
    }
    authenticated(ctx);
  }

  private void listFindings(RoutingContext ctx) {
    ApiAccess.Caller caller = ctx.get(CALLER);
    JsonArray items = new JsonArray();
    for (Finding f : findings.get()) {
      if (!caller.sees(f.id().tenant())) {
        continue;
      }
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
      ApiAccess.Caller caller = ctx.get(CALLER);
      if (!caller.operator()) {
        filter = filter.and(i -> caller.sees(i.id().tenant()));
      }
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
