package io.lambdascope.collector.internal;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every HTTP request of the collector: OTLP and platform-event ingestion, {@code /metrics} and
 * health. Ingestion checks what is cheap first (method, auth, media type, size, admission), reads
 * the body within limits, decodes on worker threads, and answers only when Kafka has.
 */
public final class RequestHandler implements Handler<HttpServerRequest> {
  private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);
  public static final String FUNCTION_HEADER = "X-Lambdascope-Function";
  public static final String FUNCTION_VERSION_HEADER = "X-Lambdascope-Function-Version";
  private static final int MAX_FUNCTION_NAME = 256;
  private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  /** The limits a request is held to. */
  public record Limits(long maxRequestBytes, long maxDecompressedBytes, long maxDecodedMessages, Duration kafkaTimeout) {}

  private final Vertx vertx;
  private final WorkerExecutor decoders;
  private final Limits limits;
  private final Tokens tokens;
  private final Admission admission;
  private final CollectorMetrics metrics;
  private final KafkaWriter writer;
  private final Map<Signal, String> topics;
  private final int maxMessageBytes;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier kafkaReady;
  private volatile boolean closing;

  public RequestHandler(Vertx vertx, WorkerExecutor decoders, Limits limits, Tokens tokens, Admission admission,
      CollectorMetrics metrics, KafkaWriter writer, Map<Signal, String> topics, int maxMessageBytes,
      PrometheusMeterRegistry registry, BooleanSupplier kafkaReady) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.decoders = requireNonNull(decoders, "decoders");
    this.limits = requireNonNull(limits, "limits");
    this.tokens = requireNonNull(tokens, "tokens");
    this.admission = requireNonNull(admission, "admission");
    this.metrics = requireNonNull(metrics, "metrics");
    this.writer = requireNonNull(writer, "writer");
    this.topics = Map.copyOf(topics);
    this.maxMessageBytes = maxMessageBytes;
    this.registry = requireNonNull(registry, "registry");
    this.kafkaReady = requireNonNull(kafkaReady, "kafkaReady");
  }

  /** From now on ingestion answers 503 and readiness fails; requests already admitted go on. */
  public void startClosing() {
    closing = true;
  }

  @Override
  public void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/v1/traces" -> ingest(req, Signal.TRACES);
      case "/v1/metrics" -> ingest(req, Signal.METRICS);
      case "/v1/logs" -> ingest(req, Signal.LOGS);
      case "/v1/lambda/telemetry" -> ingest(req, Signal.PLATFORM);
      case "/metrics" -> get(req, 200, "text/plain; version=0.0.4; charset=utf-8", registry::scrape);
      case "/health/live" -> get(req, 200, "text/plain", () -> "live\n");
      case "/health/ready" -> {
        boolean ready = !closing && kafkaReady.getAsBoolean();
        get(req, ready ? 200 : 503, "text/plain", () -> ready ? "ready\n" : closing ? "closing\n" : "kafka unreachable\n");
      }
      default -> plain(req, 404, "not found: POST /v1/traces, /v1/metrics, /v1/logs or /v1/lambda/telemetry\n");
    }
  }

  private void get(HttpServerRequest req, int status, String type, java.util.function.Supplier<String> body) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response().putHeader(HttpHeaders.ALLOW, "GET");
      plain(req, 405, "use GET\n");
      return;
    }
    req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, type).end(body.get());
  }

  private static void plain(HttpServerRequest req, int status, String text) {
    HttpServerResponse resp = req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain");
    if (!req.isEnded()) {
      resp.putHeader(HttpHeaders.CONNECTION, "close");
    }
    resp.end(text);
  }

  private void ingest(HttpServerRequest req, Signal signal) {
    Format format = Format.of(req.getHeader(HttpHeaders.CONTENT_TYPE), signal);
    Exchange x = new Exchange(req, signal, format == null ? Format.JSON : format);
    if (req.method() != HttpMethod.POST) {
      req.response().putHeader(HttpHeaders.ALLOW, "POST");
      metrics.request(signal, 405);
      plain(req, 405, "use POST\n");
      return;
    }
    if (closing) {
      x.reject(new Rejection(Rejection.Reason.OVERLOADED, 503, "the collector is shutting down"));
      return;
    }
    String tenant = tokens.tenant(req.getHeader(HttpHeaders.AUTHORIZATION));
    if (tenant == null) {
      req.response().putHeader("WWW-Authenticate", "Bearer");
      x.reject(new Rejection(Rejection.Reason.UNAUTHORIZED, "missing or unknown bearer token"));
      return;
    }
    if (format == null) {
      x.reject(new Rejection(Rejection.Reason.UNSUPPORTED_MEDIA_TYPE, signal == Signal.PLATFORM
          ? "Content-Type must be application/json"
          : "Content-Type must be application/x-protobuf or application/json"));
      return;
    }
    String encoding = req.getHeader(HttpHeaders.CONTENT_ENCODING);
    if (!BodyDecoder.supported(encoding)) {
      x.reject(new Rejection(Rejection.Reason.UNSUPPORTED_MEDIA_TYPE, "Content-Encoding must be gzip or identity"));
      return;
    }
    String function = null;
    String version = null;
    if (signal == Signal.PLATFORM) {
      function = req.getHeader(FUNCTION_HEADER);
      version = req.getHeader(FUNCTION_VERSION_HEADER);
      if (function == null || function.isBlank() || function.length() > MAX_FUNCTION_NAME
          || (version != null && version.length() > MAX_FUNCTION_NAME)) {
        x.reject(Rejection.badRequest(FUNCTION_HEADER + " must name the function (at most " + MAX_FUNCTION_NAME + " characters)"));
        return;
      }
      function = function.trim();
    }
    if (x.contentLength == -2) {
      x.reject(Rejection.badRequest("invalid Content-Length"));
      return;
    }
    if (x.contentLength > limits.maxRequestBytes()) {
      x.reject(new Rejection(Rejection.Reason.TOO_LARGE, "body exceeds " + limits.maxRequestBytes() + " bytes"));
      return;
    }
    if (!admission.tryEnter()) {
      x.reject(new Rejection(Rejection.Reason.OVERLOADED, "too many requests in flight"));
      return;
    }
    x.entered = true;
    if (x.contentLength > 0 && !x.reserve(x.contentLength)) {
      x.release();
      x.reject(new Rejection(Rejection.Reason.OVERLOADED, "too many bytes in flight"));
      return;
    }
    readBody(x, encoding, tenant, function, version);
  }

  private void readBody(Exchange x, String encoding, String tenant, String function, String version) {
    HttpServerRequest req = x.req;
    Context context = vertx.getOrCreateContext();
    Buffer body = Buffer.buffer((int) Math.max(0, Math.min(x.contentLength, 1 << 20)));
    x.reading = true;
    req.handler(chunk -> {
      if (x.responded) {
        return;
      }
      long read = body.length() + chunk.length();
      if (read > limits.maxRequestBytes()) {
        x.release();
        x.reject(new Rejection(Rejection.Reason.TOO_LARGE, "body exceeds " + limits.maxRequestBytes() + " bytes"));
        return;
      }
      if (read > x.reserved.get() && !x.reserve(read - x.reserved.get())) {
        x.release();
        x.reject(new Rejection(Rejection.Reason.OVERLOADED, "too many bytes in flight"));
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(t -> {
      // The client went away or stalled past the idle timeout: nothing to answer. Once the body is
      // read, the request keeps its budget until Kafka has answered for what was sent.
      x.responded = true;
      if (!x.bodyRead) {
        x.release();
      }
    });
    req.endHandler(v -> {
      if (x.responded) {
        return;
      }
      x.bodyRead = true;
      // The wait bound covers decoding too: under a Kafka outage send() itself may block for metadata.
      long timeoutMs = limits.kafkaTimeout().toMillis();
      long timer = vertx.setTimer(timeoutMs, id -> x.reject(new Rejection(
          Rejection.Reason.KAFKA_UNAVAILABLE, "Kafka did not acknowledge within " + timeoutMs + " ms")));
      decoders.<Sent>executeBlocking(() -> decodeAndSend(x, body.getBytes(), encoding, tenant, function, version), false)
          .onComplete(ar -> {
            if (ar.failed()) {
              vertx.cancelTimer(timer);
              x.release();
              if (ar.cause() instanceof Rejection r) {
                x.reject(r);
              } else {
                log.warn("decoding a {} request failed unexpectedly", x.signal.label(), ar.cause());
                x.reject(Rejection.badRequest("the request could not be decoded"));
              }
              return;
            }
            Sent sent = ar.result();
            sent.acked().whenComplete((ignored, e) -> context.runOnContext(n -> {
              vertx.cancelTimer(timer);
              x.release();
              if (e == null) {
                x.ok(x.signal.response(sent.split().rejectedItems(), sent.split().rejectionMessage()));
              } else {
                x.reject(new Rejection(Rejection.Reason.KAFKA_UNAVAILABLE,
                    "Kafka did not accept the data: " + e.getClass().getSimpleName()));
              }
            }));
          });
    });
  }

  /** A decoded request handed to the producer; {@code acked} completes when Kafka answered for all of it. */
  private record Sent(SplitResult split, CompletableFuture<Void> acked) {}

  /** Runs on a decoder thread: send() may block (metadata), which must never happen on an event loop. */
  private Sent decodeAndSend(Exchange x, byte[] raw, String encoding, String tenant, String function, String version)
      throws Rejection {
    byte[] bytes = raw;
    if (BodyDecoder.isGzip(encoding)) {
      bytes = BodyDecoder.decode(raw, encoding, limits.maxDecompressedBytes());
      if (!x.reserve(bytes.length)) {
        throw new Rejection(Rejection.Reason.OVERLOADED, "too many bytes in flight");
      }
    }
    if (bytes.length == 0) {
      throw Rejection.badRequest("empty body");
    }
    Message request;
    if (x.signal == Signal.PLATFORM) {
      long now = System.currentTimeMillis() * 1_000_000L;
      request = PlatformEvents.toLogs(bytes, function, version, limits.maxDecodedMessages(), now);
    } else if (x.format == Format.PROTOBUF) {
      request = OtlpDecoder.decodeProtobuf(x.signal.requestPrototype(), bytes, limits.maxDecodedMessages());
    } else {
      request = OtlpDecoder.decodeJson(x.signal.requestPrototype(), bytes, limits.maxDecodedMessages());
    }
    SplitResult split = ResourceSplitter.split(x.signal, request, tenant, maxMessageBytes);
    metrics.received(x.signal, split.receivedItems());
    if (x.responded) {
      // Already answered 503 (the wait bound passed while decoding): the client will retry, so do not write.
      return new Sent(split, CompletableFuture.failedFuture(new TimeoutException("answered before sending")));
    }
    return new Sent(split, writer.send(x.signal, topics.get(x.signal), split.records()));
  }

  /** The two encodings of OTLP/HTTP. */
  enum Format {
    PROTOBUF,
    JSON;

    static Format of(String contentType, Signal signal) {
      if (contentType == null) {
        return signal == Signal.PLATFORM ? JSON : null;
      }
      int semi = contentType.indexOf(';');
      String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
      if (type.equals("application/json")) {
        return JSON;
      }
      if (type.equals("application/x-protobuf") && signal != Signal.PLATFORM) {
        return PROTOBUF;
      }
      return null;
    }
  }

  /** One ingestion request: what it holds of the admission budget, and whether it was answered. */
  private final class Exchange {
    final HttpServerRequest req;
    final Signal signal;
    final Format format;
    final long contentLength;
    final AtomicLong reserved = new AtomicLong();
    final AtomicBoolean released = new AtomicBoolean();
    volatile boolean entered;
    volatile boolean reading;
    volatile boolean bodyRead;
    volatile boolean responded;

    Exchange(HttpServerRequest req, Signal signal, Format format) {
      this.req = req;
      this.signal = signal;
      this.format = format;
      this.contentLength = parseLength(req.getHeader(HttpHeaders.CONTENT_LENGTH));
    }

    private static long parseLength(String value) {
      if (value == null) {
        return -1;
      }
      try {
        long n = Long.parseLong(value.trim());
        return n < 0 ? -2 : n;
      } catch (NumberFormatException e) {
        return -2;
      }
    }

    boolean reserve(long bytes) {
      if (admission.tryReserve(bytes)) {
        reserved.addAndGet(bytes);
        return true;
      }
      return false;
    }

    void release() {
      if (entered && released.compareAndSet(false, true)) {
        admission.release(reserved.get());
        admission.exit();
      }
    }

    void ok(Message response) {
      if (responded) {
        return;
      }
      responded = true;
      metrics.request(signal, 200);
      HttpServerResponse resp = req.response().setStatusCode(200);
      if (format == Format.PROTOBUF) {
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
      metrics.rejected(signal, r.reason());
      metrics.request(signal, r.status());
      HttpServerResponse resp = req.response().setStatusCode(r.status());
      if (r.retryAfterSeconds() > 0) {
        resp.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(r.retryAfterSeconds()));
      }
      String message = r.getMessage().length() > 300 ? r.getMessage().substring(0, 300) + "..." : r.getMessage();
      Buffer body;
      if (format == Format.PROTOBUF) {
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/x-protobuf");
        body = Buffer.buffer(RpcStatus.protobuf(r.status(), message));
      } else {
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        body = Buffer.buffer(RpcStatus.json(r.status(), message));
      }
      if (req.isEnded()) {
        resp.end(body);
      } else if (!reading && contentLength >= 0 && contentLength <= limits.maxRequestBytes()) {
        // Read and drop a small body so the connection stays usable for the next request.
        req.handler(b -> { });
        req.exceptionHandler(t -> { });
        req.endHandler(v -> resp.end(body));
      } else {
        resp.putHeader(HttpHeaders.CONNECTION, "close");
        resp.end(body).onComplete(v -> req.connection().close());
      }
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
