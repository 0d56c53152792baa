package io.lambdascope.emulator.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SQS endpoint the functions see: a pass-through to ElasticMQ with a token bucket in front. Above the rate it
 * answers what SQS answers when it throttles (HTTP 400, {@code RequestThrottled} / {@code ThrottlingException}) in
 * the protocol of the request, so a function's AWS SDK meets real throttling errors. ElasticMQ never throttles.
 */
public final class SqsThrottlingFront implements AutoCloseable {
  private static final Set<String> HOP_HEADERS =
      Set.of("host", "content-length", "connection", "transfer-encoding", "expect", "upgrade", "keep-alive");

  private final HttpServer server;
  private final URI target;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final double ratePerSecond;
  private final double burst;
  private double tokens;
  private long lastRefillNanos = System.nanoTime();
  private final AtomicLong throttled = new AtomicLong();
  private final AtomicLong forwarded = new AtomicLong();

  public SqsThrottlingFront(String host, URI target, double ratePerSecond, ExecutorService executor)
      throws IOException {
    this.target = target;
    this.ratePerSecond = ratePerSecond;
    this.burst = Math.max(1, ratePerSecond);
    this.tokens = burst;
    this.server = HttpServer.create(new InetSocketAddress(host, 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public String endpoint() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getHostString() + ":" + a.getPort();
  }

  /** Requests refused with a throttling error so far. */
  public long throttled() {
    return throttled.get();
  }

  public long forwarded() {
    return forwarded.get();
  }

  private synchronized boolean admit() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - lastRefillNanos) / 1e9 * ratePerSecond);
    lastRefillNanos = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (!admit()) {
        throttled.incrementAndGet();
        refuse(exchange);
        return;
      }
      forwarded.incrementAndGet();
      HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
          .timeout(Duration.ofSeconds(30))
          .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
          values.forEach(v -> request.header(name, v));
        }
      });
      HttpResponse<byte[]> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(503, -1);
        return;
      } catch (IOException e) {
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      response.headers().map().forEach((name, values) -> {
        if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
          exchange.getResponseHeaders().put(name, List.copyOf(values));
        }
      });
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  private static void refuse(HttpExchange exchange) throws IOException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    byte[] bytes;
    if (contentType != null && contentType.contains("json")) {
      // AWS JSON 1.0 protocol (what SDK v2 uses for SQS); the query-compatible header carries the legacy code.
      exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
      exchange.getResponseHeaders().set("x-amzn-query-error", "RequestThrottled;Sender");
      bytes = "{\"__type\":\"com.amazonaws.sqs#ThrottlingException\",\"message\":\"Rate exceeded\"}"
          .getBytes(StandardCharsets.UTF_8);
    } else {
      exchange.getResponseHeaders().set("Content-Type", "text/xml");
      bytes = ("<ErrorResponse><Error><Type>Sender</Type><Code>RequestThrottled</Code>"
          + "<Message>Rate exceeded</Message></Error><RequestId>throttled</RequestId></ErrorResponse>")
          .getBytes(StandardCharsets.UTF_8);
    }
    exchange.sendResponseHeaders(400, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
