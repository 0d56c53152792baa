package io.lambdascope.collector.pipeline;

import io.lambdascope.collector.receiver.HttpAnswers;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTTP server's routes: a request goes to the handler of its exact path, anything else is 404.
 * Paths are matched as sent, not normalized (vertx-web's Router would also take {@code /v1/traces/}
 * or {@code /v1//traces}); each handler checks its own method.
 */
final class HttpRoutes implements Handler<HttpServerRequest> {
  private final Map<String, Handler<HttpServerRequest>> byPath = new HashMap<>();

  HttpRoutes add(Map<String, Handler<HttpServerRequest>> routes) {
    routes.forEach((path, handler) -> {
      if (byPath.putIfAbsent(path, handler) != null) {
        throw new IllegalStateException("two handlers for " + path);
      }
    });
    return this;
  }

  @Override
  public void handle(HttpServerRequest req) {
    Handler<HttpServerRequest> handler = byPath.get(req.path());
    if (handler == null) {
      HttpAnswers.plainText(req, 404, "not found: POST /v1/traces, /v1/metrics, /v1/logs or /v1/lambda/telemetry\n");
    } else {
      handler.handle(req);
    }
  }
}
