package io.lambdascope.collector.pipeline;

import static java.util.Objects.requireNonNull;

import io.lambdascope.collector.meters.CollectorMeters;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes connections that hold a file descriptor without sending a request: a new connection must
 * deliver its first request, headers and body, within the read timeout; after an answer, the next
 * request's headers must start within the keep-alive timeout, and its body must follow within the
 * read timeout. A request whose body has arrived is left alone while it waits for Kafka (the Kafka
 * timeout bounds that).
 *
 * <p>Without this, a client that sends half a request, or trickles a byte a second (which resets
 * an idle timeout every time), holds its connection for as long as it likes, and a few thousand of
 * them exhaust the collector's file descriptors, so every agent is refused.
 *
 * <p>Everything of one connection runs on its event loop, so its state needs no locking.
 */
final class ConnectionDeadlines {
  private final Vertx vertx;
  private final long readTimeoutMs;
  private final long keepAliveTimeoutMs;
  private final CollectorMeters meters;
  private final Map<HttpConnection, Deadline> open = new ConcurrentHashMap<>();

  ConnectionDeadlines(Vertx vertx, Duration readTimeout, Duration keepAliveTimeout, CollectorMeters meters) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.readTimeoutMs = requireNonNull(readTimeout, "readTimeout").toMillis();
    this.keepAliveTimeoutMs = requireNonNull(keepAliveTimeout, "keepAliveTimeout").toMillis();
    this.meters = requireNonNull(meters, "meters");
  }

  /** For {@code HttpServer.connectionHandler}: the new connection's first request is due within the read timeout. */
  void connected(HttpConnection connection) {
    Deadline d = new Deadline(connection);
    open.put(connection, d);
    connection.closeHandler(v -> {
      d.cancel();
      open.remove(connection);
    });
    d.await(Phase.FIRST_REQUEST, readTimeoutMs);
  }

  /** Wraps the server's request handler: each request's body is due, then the next request. */
  Handler<HttpServerRequest> around(Handler<HttpServerRequest> handler) {
    requireNonNull(handler, "handler");
    return req -> {
      Deadline d = open.get(req.connection());
      if (d != null) {
        d.requestStarted(req);
        req.response().endHandler(v -> d.answered());
      }
      handler.handle(req);
    };
  }

  /** Connections open now (for tests and diagnostics). */
  int openConnections() {
    return open.size();
  }

  private enum Phase {
    /** A new connection, waiting for its first request's headers and body. */
    FIRST_REQUEST,
    /** Headers arrived; waiting for the rest of the body. */
    BODY,
    /** Answered; waiting for the next request on the kept-alive connection. */
    KEEP_ALIVE
  }

  private final class Deadline {
    private final HttpConnection connection;
    private HttpServerRequest current;
    private Phase phase;
    private long timer = -1;

    Deadline(HttpConnection connection) {
      this.connection = connection;
    }

    void await(Phase next, long timeoutMs) {
      cancel();
      phase = next;
      timer = vertx.setTimer(timeoutMs, id -> expired());
    }

    void requestStarted(HttpServerRequest req) {
      current = req;
      // A new connection's deadline covers headers and body together; on a kept-alive one the body
      // gets the read timeout from its headers.
      if (phase != Phase.FIRST_REQUEST) {
        await(Phase.BODY, readTimeoutMs);
      }
    }

    void answered() {
      current = null;
      await(Phase.KEEP_ALIVE, keepAliveTimeoutMs);
    }

    private void expired() {
      timer = -1;
      if (current != null && current.isEnded()) {
        return; // the request is read and waits for its answer
      }
      meters.connectionTimedOut(phase == Phase.KEEP_ALIVE ? "keep_alive_timeout" : "read_timeout");
      connection.close();
    }

    void cancel() {
      if (timer != -1) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }
}
