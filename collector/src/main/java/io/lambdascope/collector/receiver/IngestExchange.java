package io.lambdascope.collector.receiver;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.lambdascope.collector.admission.Rejection;
import io.lambdascope.collector.admission.Reservation;
import io.lambdascope.collector.meters.CollectorMeters;
import io.lambdascope.collector.signal.Signal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One ingestion request: what it holds of the in-flight budget, how far it got, and its one answer,
 * encoded like the request.
 */
final class IngestExchange {
  /** {@link #contentLength()} of a header that is not a non-negative number. */
  static final long INVALID_LENGTH = -2;
  private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private final HttpServerRequest req;
  /** How much of an unwanted body is read and dropped after the answer, and for how long, before closing. */
  private static final long DRAIN_BYTES = 4L << 20;
  private static final long DRAIN_MS = 2_000;

  private final Signal signal;
  private final ContentFormat format;
  private final long contentLength;
  private final CollectorMeters meters;
  private final long maxRequestBytes;
  private volatile Reservation reservation;
  private volatile boolean reading;
  private volatile boolean bodyRead;
  private volatile boolean responded;

  IngestExchange(HttpServerRequest req, Signal signal, ContentFormat format, CollectorMeters meters, long maxRequestBytes) {
    this.req = req;
    this.signal = signal;
    this.format = format;
    this.meters = meters;
    this.maxRequestBytes = maxRequestBytes;
    this.contentLength = parseLength(req.getHeader(HttpHeaders.CONTENT_LENGTH));
  }

  private static long parseLength(String value) {
    if (value == null) {
      return -1;
    }
    try {
      long n = Long.parseLong(value.trim());
      return n < 0 ? INVALID_LENGTH : n;
    } catch (NumberFormatException e) {
      return INVALID_LENGTH;
    }
  }

  HttpServerRequest request() {
    return req;
  }

  Signal signal() {
    return signal;
  }

  /** The declared body length, -1 without {@code Content-Length}, {@link #INVALID_LENGTH} for a bad one. */
  long contentLength() {
    return contentLength;
  }

  void admitted(Reservation reservation) {
    this.reservation = reservation;
  }

  Reservation reservation() {
    return reservation;
  }

  void startReading() {
    reading = true;
  }

  void bodyRead() {
    bodyRead = true;
  }

  boolean responded() {
    return responded;
  }

  /** The client went away: nothing to answer. Once the body is read, the budget stays held until Kafka answered. */
  void abandon() {
    responded = true;
    if (!bodyRead) {
      release();
    }
  }

  /** Gives back what admission granted, if it granted anything. */
  void release() {
    Reservation r = reservation;
    if (r != null) {
      r.release();
    }
  }

  void ok(Message response) {
    if (responded) {
      return;
    }
    responded = true;
    meters.request(signal, 200);
    HttpServerResponse resp = req.response().setStatusCode(200);
    if (format == ContentFormat.PROTOBUF) {
      resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/x-protobuf").end(Buffer.buffer(response.toByteArray()));
    } else {
      resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(printJson(response));
    }
  }

  void reject(Rejection r) {
    if (responded) {
      return;
    }
    responded = true;
    meters.rejected(signal, r.reason());
    meters.request(signal, r.status());
    HttpServerResponse resp = req.response().setStatusCode(r.status());
    if (r.reason() == Rejection.Reason.UNAUTHORIZED) {
      resp.putHeader("WWW-Authenticate", "Bearer");
    }
    if (r.retryAfterSeconds() > 0) {
      resp.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(r.retryAfterSeconds()));
    }
    String message = r.getMessage().length() > 300 ? r.getMessage().substring(0, 300) + "..." : r.getMessage();
    Buffer body;
    if (format == ContentFormat.PROTOBUF) {
      resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/x-protobuf");
      body = Buffer.buffer(RpcStatus.protobuf(r.status(), message));
    } else {
      resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      body = Buffer.buffer(RpcStatus.json(r.status(), message));
    }
    if (req.isEnded()) {
      resp.end(body);
    } else if (!reading && contentLength >= 0 && contentLength <= maxRequestBytes) {
      // Read and drop a small body so the connection stays usable for the next request.
      req.handler(b -> { });
      req.exceptionHandler(t -> { });
      req.endHandler(v -> resp.end(body));
    } else {
      // The rest of the body is not wanted. Closing while it still arrives would reset the connection, and the
      // client could lose this answer with it: answer, drop what still comes (a bounded amount, for a bounded
      // time), then close.
      resp.putHeader(HttpHeaders.CONNECTION, "close");
      HttpConnection connection = req.connection();
      long[] dropped = {0};
      req.exceptionHandler(t -> { });
      req.handler(b -> {
        dropped[0] += b.length();
        if (dropped[0] > DRAIN_BYTES) {
          connection.close();
        }
      });
      req.endHandler(v -> connection.close());
      Context context = Vertx.currentContext();
      resp.end(body).onComplete(v -> {
        if (context == null) {
          connection.close();
        } else {
          context.owner().setTimer(DRAIN_MS, id -> connection.close());
        }
      });
    }
  }

  private static String printJson(Message response) {
    try {
      return JSON_PRINTER.print(response);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("an OTLP response always prints", e);
    }
  }
}
