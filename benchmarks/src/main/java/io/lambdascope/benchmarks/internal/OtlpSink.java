package io.lambdascope.benchmarks.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback OTLP/HTTP endpoint that answers every export with 200 and an empty response, and
 * counts the spans it got: what an agent costs when its collector is healthy and instant, and a
 * check that the agent under test really exported. {@link #refusing} answers every request with
 * one retryable status instead, as an overloaded collector does.
 */
public final class OtlpSink implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();
  private final ConcurrentLinkedQueue<PlatformBatch> platform = new ConcurrentLinkedQueue<>();
  private final int status;

  /** A Telemetry API batch as posted to {@code /v1/lambda/telemetry}, with the function it names. */
  public record PlatformBatch(String function, byte[] body) {}

  private OtlpSink(HttpServer server, ExecutorService executor, int status) {
    this.server = server;
    this.executor = executor;
    this.status = status;
  }

  public static OtlpSink start() throws IOException {
    return start(200);
  }

  /** Answers every request with {@code status} (e.g. 503 or 429, without Retry-After) and keeps nothing. */
  public static OtlpSink refusing(int status) throws IOException {
    if (status < 400) {
      throw new IllegalArgumentException("a refusing sink answers 4xx or 5xx, not " + status);
    }
    return start(status);
  }

  private static OtlpSink start(int status) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "otlp-sink");
              t.setDaemon(true);
              return t;
            });
    OtlpSink sink = new OtlpSink(server, executor, status);
    server.createContext("/", sink::handle);
    server.setExecutor(executor);
    server.start();
    return sink;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      requests.incrementAndGet();
      if (status != 200) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.endsWith("/v1/traces")) {
        spans.addAndGet(countSpans(body));
      } else if (path.endsWith("/v1/lambda/telemetry")) {
        platform.add(new PlatformBatch(exchange.getRequestHeaders().getFirst("X-Lambdascope-Function"), body));
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private static long countSpans(byte[] body) {
    try {
      long count = 0;
      for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          count += ss.getSpansCount();
        }
      }
      return count;
    } catch (IOException e) {
      // gzip or JSON bodies are not counted; the benchmarks export identity protobuf
      return 0;
    }
  }

  /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public long requests() {
    return requests.get();
  }

  public long spans() {
    return spans.get();
  }

  /** Every platform-event batch received so far. */
  public List<PlatformBatch> platformBatches() {
    return List.copyOf(platform);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
