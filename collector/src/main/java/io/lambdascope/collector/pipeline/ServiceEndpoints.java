package io.lambdascope.collector.pipeline;

import io.lambdascope.collector.receiver.HttpAnswers;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The collector's own GET endpoints: {@code /metrics}, {@code /health/live} and {@code /health/ready}; no token needed. */
final class ServiceEndpoints {
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier closing;
  private final BooleanSupplier kafkaReady;

  ServiceEndpoints(PrometheusMeterRegistry registry, BooleanSupplier closing, BooleanSupplier kafkaReady) {
    this.registry = registry;
    this.closing = closing;
    this.kafkaReady = kafkaReady;
  }

  Map<String, Handler<HttpServerRequest>> routes() {
    return Map.of(
        "/metrics", req -> get(req, 200, "text/plain; version=0.0.4; charset=utf-8", registry::scrape),
        "/health/live", req -> get(req, 200, "text/plain", () -> "live\n"),
        "/health/ready", this::ready);
  }

  private void ready(HttpServerRequest req) {
    boolean isClosing = closing.getAsBoolean();
    boolean ready = !isClosing && kafkaReady.getAsBoolean();
    get(req, ready ? 200 : 503, "text/plain", () -> ready ? "ready\n" : isClosing ? "closing\n" : "kafka unreachable\n");
  }

  private static void get(HttpServerRequest req, int status, String type, Supplier<String> body) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      HttpAnswers.methodNotAllowed(req, "GET");
      return;
    }
    req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, type).end(body.get());
  }
}
