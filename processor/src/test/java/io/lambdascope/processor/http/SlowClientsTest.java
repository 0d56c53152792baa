package io.lambdascope.processor.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.Scrape;
import io.lambdascope.testing.SlowSockets;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients too slow to send their request on the processor's HTTP port: a connection that sends
 * nothing, one that trickles its headers a byte at a time, one that never finishes its body. Each
 * is closed after the read timeout while a normal client goes on being served.
 */
class SlowClientsTest {
  static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  Vertx vertx;
  HttpServer server;
  PrometheusMeterRegistry registry;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HttpApi api = new HttpApi(registry, List::of, new RecentInvocations(10), () -> true, () -> "RUNNING", Map.of());
    server = api.listen(vertx, ProcessorConfig.builder().bootstrapServers("unused:9092").metricsPort(0)
        .metricsRequestReadTimeout(READ_TIMEOUT).build());
    // The client's own first request pays for loading its classes: not what is measured below.
    assertEquals(200, Scrape.get(server.actualPort(), "/health/live").statusCode());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    registry.close();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", server.actualPort());
    s.setSoTimeout(10_000);
    return s;
  }

  @Test
  void slowConnectionsAreClosedWhileANormalClientIsServed() throws Exception {
    long start = System.nanoTime();
    try (Socket silent = connect(); Socket slowHeaders = connect(); Socket slowBody = connect()) {
      CompletableFuture<Void> headers = CompletableFuture.runAsync(() -> SlowSockets.trickle(slowHeaders,
          "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII), 100));
      CompletableFuture<Void> body = CompletableFuture.runAsync(() -> {
        SlowSockets.trickle(slowBody, "GET /api/invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII), 0);
        SlowSockets.trickle(slowBody, new byte[1000], 100);
      });

      // Meanwhile a normal client: every answer prompt.
      List<Long> latencies = new ArrayList<>();
      while (System.nanoTime() - start < READ_TIMEOUT.plusMillis(1500).toNanos()) {
        long t = System.nanoTime();
        HttpResponse<String> r = Scrape.get(server.actualPort(), "/health/live");
        latencies.add((System.nanoTime() - t) / 1_000_000);
        assertEquals(200, r.statusCode());
        Thread.sleep(100);
      }
      // Well under the read timeout: the slow connections hold no one up.
      assertTrue(latencies.stream().allMatch(ms -> ms < READ_TIMEOUT.toMillis() / 2), "latencies " + latencies);

      for (Socket s : new Socket[] {silent, slowHeaders, slowBody}) {
        long ms = SlowSockets.closedAfterMs(s, start);
        assertTrue(ms >= READ_TIMEOUT.toMillis() - 100 && ms < READ_TIMEOUT.toMillis() + 5000,
            "closed after " + ms + " ms");
      }
      headers.get(10, TimeUnit.SECONDS);
      body.get(10, TimeUnit.SECONDS);
    }
    Map<String, Double> m = Scrape.parse(registry.scrape());
    assertEquals(3, m.get("lambdascope_processor_connections_timed_out_total{reason=\"read_timeout\"}"), m.toString());
    assertEquals(0, m.get("lambdascope_processor_connections_timed_out_total{reason=\"keep_alive_timeout\"}"));
  }
}
