package io.lambdascope.httpguard;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Closes connections that hold a file descriptor without sending a request. A new connection must
 * deliver its first request, headers and body, within the read timeout; after an answer, the next
 * request's headers must come within the keep-alive timeout, and its body within the read timeout
 * of its headers. A request that has been read in full is left alone while it waits for its
 * answer.
 *
 * <p>An idle timeout alone is not enough: a client that trickles a byte a second resets it every
 * time, and a few thousand such clients exhaust the server's file descriptors while they hold their
 * connections, so nobody else is served.
 *
 * <p>HTTP/1.x only (one request at a time per connection), with h2c off
 * ({@code HttpServerOptions.setHttp2ClearTextEnabled(false)}): with h2c on, Vert.x waits for the
 * first bytes to choose the protocol before it reports the connection, so a silent one goes
 * unseen. Everything of one connection runs on its event loop, so its state needs no locking.
 */
public final class RequestDeadlines {
  /** Why a connection was closed; {@link #label()} is the value for a metric label. */
  public enum Expiry {
    /** A request (headers, or headers and body) not read within the read timeout. */
    READ_TIMEOUT("read_timeout"),
    /** No next request within the keep-alive timeout after an answer. */
    KEEP_ALIVE_TIMEOUT("keep_alive_timeout");

    private final String label;

    Expiry(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final Vertx vertx;
  private final long readTimeoutMs;
  private final long keepAliveTimeoutMs;
  private final Consumer<Expiry> onExpiry;
  private final Map<HttpConnection, Deadline> open = new ConcurrentHashMap<>();

  /**
   * @param onExpiry told each time a connection is closed for its client's slowness (a counter, say)
   */
  public RequestDeadlines(Vertx vertx, Duration readTimeout, Duration keepAliveTimeout, Consumer<Expiry> onExpiry) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.readTimeoutMs = requireNonNull(readTimeout, "readTimeout").toMillis();
    this.keepAliveTimeoutMs = requireNonNull(keepAliveTimeout, "keepAliveTimeout").toMillis();
    this.onExpiry = requireNonNull(onExpiry, "onExpiry");
  }

  /** Installs the deadlines on {@code server} around {@code handler}; returns the server. */
  public HttpServer install(HttpServer server, Handler<HttpServerRequest> handler) {
    return server.connectionHandler(this::connected).requestHandler(around(handler));
  }

  /** For {@code HttpServer.connectionHandler}: the new connection's first request is due within the read timeout. */
  public void connected(HttpConnection connection) {
    Deadline d = new Deadline(connection);
    open.put(connection, d);
    connection.closeHandler(v -> {
      d.cancel();
      open.remove(connection);
    });
    d.await(Phase.FIRST_REQUEST, readTimeoutMs);
  }

  /** Wraps the server's request handler: each request's body is due, then the next request. */
  public Handler<HttpServerRequest> around(Handler<HttpServerRequest> handler) {
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
  public int openConnections() {
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
      if (current != null && !current.isEnded()) {
        return; // answered before the body was read (a refusal, say): the body's deadline still runs
      }
      current = null;
      await(Phase.KEEP_ALIVE, keepAliveTimeoutMs);
    }

    private void expired() {
      timer = -1;
      if (current != null && current.isEnded()) {
        if (current.response().ended()) {
          answered(); // read and answered, the answer's end seen first: now the next request is due
        }
        return; // read in full, waiting for its answer
      }
      onExpiry.accept(phase == Phase.KEEP_ALIVE ? Expiry.KEEP_ALIVE_TIMEOUT : Expiry.READ_TIMEOUT);
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
