package io.lambdascope.collector.receiver;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** Plain-text answers outside OTLP: unknown paths and wrong methods. */
public final class HttpAnswers {
  private HttpAnswers() {}

  /** Answers with {@code text}; closes the connection when the request body has not been read. */
  public static void plainText(HttpServerRequest req, int status, String text) {
    HttpServerResponse resp = req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain");
    if (!req.isEnded()) {
      resp.putHeader(HttpHeaders.CONNECTION, "close");
    }
    resp.end(text);
  }

  /** 405 with {@code Allow: method}. */
  public static void methodNotAllowed(HttpServerRequest req, String method) {
    req.response().putHeader(HttpHeaders.ALLOW, method);
    plainText(req, 405, "use " + method + "\n");
  }
}
