package io.lambdascope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of connections that send half a request, or trickle it a byte at a time, are closed
 * once the read timeout has passed since they connected, however often they send a byte; a
 * kept-alive connection is closed after the keep-alive timeout; and a normal client is served
 * throughout.
 */
class SlowClientTest {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(4);
  /**
   * How late a close may come on a busy machine: still far sooner than the idle backstop (the
   * keep-alive timeout plus the Kafka timeout), which trickling would defeat anyway.
   */
  private static final long SLACK_MS = 8000;
  /** Headers of a request that declares a body. */
  private static final String HEADERS = "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Content-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n";

  /** A client connection (non-blocking, so polling hundreds costs nothing) and when the collector closed it. */
  private static final class Conn {
    final String kind;
    final SocketChannel channel;
    final long openedAt = System.nanoTime();
    final byte[] trickle;
    final ByteBuffer sink = ByteBuffer.allocate(4096);
    int trickled;
    long closedAfterMs = -1;

    Conn(String kind, int port, String sendAtOnce, String trickle) throws IOException {
      this.kind = kind;
      this.channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      this.trickle = trickle.getBytes(StandardCharsets.US_ASCII);
      channel.write(ByteBuffer.wrap(sendAtOnce.getBytes(StandardCharsets.US_ASCII)));
      channel.configureBlocking(false);
    }

    /** Sends its next trickled byte and tells whether the collector has closed the connection. */
    boolean poll() {
      if (closedAfterMs >= 0) {
        return true;
      }
      try {
        if (trickled < trickle.length) {
          channel.write(ByteBuffer.wrap(trickle, trickled++, 1));
        }
        int n;
        while ((n = channel.read(sink.clear())) > 0) {
          // an answer (the kept-alive connection's): read and dropped
        }
        return n == -1 && closed();
      } catch (IOException reset) {
        return closed();
      }
    }

    private boolean closed() {
      closedAfterMs = (System.nanoTime() - openedAt) / 1_000_000;
      return true;
    }
  }

  @Test
  void slowClientsAreClosedAfterTheTimeoutWhileANormalClientIsServed() throws Exception {
    CollectorConfig config = TestKafka.config("slow")
        .requestReadTimeout(READ_TIMEOUT)
        .keepAliveTimeout(KEEP_ALIVE_TIMEOUT)
        .kafkaTimeout(Duration.ofSeconds(30))
        .build();
    try (Collector collector = Collector.start(config)) {
      int port = collector.port();
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger served = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      Thread normal = new Thread(() -> {
        while (running.get()) {
          long start = System.nanoTime();
          try {
            HttpResponse<byte[]> r = Http.post(port, "/v1/traces", "application/x-protobuf",
                Otlp.traces(1, "normal").toByteArray());
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (r.statusCode() != 200 || ms > SLACK_MS) {
              failures.add(r.statusCode() + " after " + ms + " ms");
            } else {
              served.incrementAndGet();
            }
            Thread.sleep(50);
          } catch (RuntimeException | InterruptedException e) {
            failures.add(e.toString());
          }
        }
      }, "normal-client");
      normal.start();

      List<Conn> slow = new ArrayList<>();
      String body = "x".repeat(1000);
      for (int i = 0; i < 250; i++) {
        slow.add(new Conn("half headers", port, HEADERS.substring(0, 30), ""));
      }
      for (int i = 0; i < 250; i++) {
        slow.add(new Conn("half body", port, HEADERS + body.substring(0, 400), ""));
      }
      for (int i = 0; i < 100; i++) {
        slow.add(new Conn("trickled headers", port, "", HEADERS));
      }
      for (int i = 0; i < 100; i++) {
        slow.add(new Conn("trickled body", port, HEADERS, body));
      }
      // A normal request, then silence: kept alive until the keep-alive timeout.
      Conn keptAlive = new Conn("kept alive", port, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "");
      int slowCount = slow.size();

      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos() + SLACK_MS * 1_000_000L;
      while (System.nanoTime() < deadline && !pollAll(slow)) {
        Thread.sleep(200); // a trickled connection sends a byte per round: more than its timeout's worth
      }
      Map<String, Long> stillOpen = new TreeMap<>();
      slow.stream().filter(c -> c.closedAfterMs < 0).forEach(c -> stillOpen.merge(c.kind, 1L, Long::sum));
      assertEquals(Map.of(), stillOpen, "connections still open "
          + (System.nanoTime() - slow.get(slow.size() - 1).openedAt) / 1_000_000 + " ms after the last opened");
      for (Conn c : slow) {
        assertTrue(c.closedAfterMs >= READ_TIMEOUT.toMillis() - 100, c.kind + " closed early: " + c.closedAfterMs + " ms");
        c.channel.close();
      }
      long trickledBytes = slow.stream().filter(c -> c.kind.startsWith("trickled")).mapToLong(c -> c.trickled).min().orElse(0);
      assertTrue(trickledBytes >= 5, "trickled connections sent " + trickledBytes + " bytes, a byte a round");

      deadline = System.nanoTime() + KEEP_ALIVE_TIMEOUT.toNanos() + SLACK_MS * 1_000_000L;
      while (System.nanoTime() < deadline && !keptAlive.poll()) {
        Thread.sleep(100);
      }
      assertTrue(keptAlive.closedAfterMs >= KEEP_ALIVE_TIMEOUT.toMillis() - 100,
          "kept-alive connection closed after " + keptAlive.closedAfterMs + " ms");
      keptAlive.channel.close();

      running.set(false);
      normal.join(30_000);
      assertTrue(failures.isEmpty(), "the normal client was not served: " + failures);
      assertTrue(served.get() >= 10, "normal requests served: " + served.get());

      Map<String, Double> metrics = Scrape.of(port);
      assertEquals((double) slowCount,
          metrics.get("lambdascope_collector_connections_timed_out_total{reason=\"read_timeout\"}"));
      assertEquals(1.0, metrics.get("lambdascope_collector_connections_timed_out_total{reason=\"keep_alive_timeout\"}"));
      assertEquals(0.0, metrics.get("lambdascope_collector_inflight_bytes"), "slow bodies still hold their budget");
    }
  }

  /** Polls every connection (each trickles its next byte); true once all are closed. */
  private static boolean pollAll(List<Conn> conns) {
    boolean allClosed = true;
    for (Conn c : conns) {
      allClosed &= c.poll();
    }
    return allClosed;
  }
}
