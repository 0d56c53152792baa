package io.lambdascope.httpguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.testing.SlowSockets;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deadlines on a real Vert.x server, with raw sockets playing slow clients. */
class RequestDeadlinesTest {
  Vertx vertx;
  HttpServer server;
  RequestDeadlines deadlines;
  final List<RequestDeadlines.Expiry> expired = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    deadlines = new RequestDeadlines(vertx, Duration.ofMillis(600), Duration.ofMillis(900), expired::add);
    // Answers once the whole request is read, like a handler that needs the body; refuses /refused
    // at once, before its body is read, like a check of the headers.
    server = deadlines.install(vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false)), req -> {
      if (req.path().equals("/refused")) {
        req.response().setStatusCode(413).end("refused");
      } else {
        req.body().onSuccess(body -> req.response().end("read " + body.length()));
      }
    });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Socket connect() throws Exception {
    Socket s = new Socket("127.0.0.1", server.actualPort());
    s.setSoTimeout(5000);
    return s;
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheReadTimeout() throws Exception {
    try (Socket s = connect()) {
      long ms = SlowSockets.closedAfterMs(s, System.nanoTime());
      assertTrue(ms >= 500 && ms < 3000, ms + " ms");
    }
    assertEquals(List.of(RequestDeadlines.Expiry.READ_TIMEOUT), expired);
  }

  @Test
  void tricklingHeadersOrABodyDoNotBuyMoreTime() throws Exception {
    byte[] head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".getBytes(StandardCharsets.US_ASCII);
    try (Socket s = connect()) {
      long start = System.nanoTime();
      SlowSockets.trickle(s, head, 50); // each byte well within any idle timeout
      long ms = SlowSockets.closedAfterMs(s, start);
      assertTrue(ms < 3000, ms + " ms");
    }
    trickleABodyUntilClosed("/");
    assertEquals(List.of(RequestDeadlines.Expiry.READ_TIMEOUT, RequestDeadlines.Expiry.READ_TIMEOUT), expired);
  }

  /** A refusal before the body is read does not turn the body's read deadline into a keep-alive one. */
  @Test
  void aBodyStillComingAfterAnEarlyAnswerKeepsItsReadDeadline() throws Exception {
    trickleABodyUntilClosed("/refused");
    assertEquals(List.of(RequestDeadlines.Expiry.READ_TIMEOUT), expired);
  }

  /** Sends a POST's headers at once, then trickles its body; the server must close well before it is done. */
  private void trickleABodyUntilClosed(String path) throws Exception {
    byte[] post = ("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    try (Socket s = connect()) {
      long start = System.nanoTime();
      SlowSockets.trickle(s, post, 0);
      SlowSockets.trickle(s, new byte[100], 50);
      long ms = SlowSockets.closedAfterMs(s, start);
      assertTrue(ms < 3000, ms + " ms");
    }
  }

  @Test
  void aKeptAliveConnectionGetsTheKeepAliveTimeoutBetweenRequests() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      for (int i = 0; i < 2; i++) {
        out.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String answer = readAnswer(in);
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("read 3"), answer);
        Thread.sleep(700); // longer than the read timeout, shorter than the keep-alive timeout
      }
      long ms = SlowSockets.closedAfterMs(s, System.nanoTime());
      assertTrue(ms < 3000, ms + " ms");
    }
    assertEquals(List.of(RequestDeadlines.Expiry.KEEP_ALIVE_TIMEOUT), expired);
  }

  private static String readAnswer(InputStream in) throws Exception {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("read 3")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.append((char) c);
    }
    return b.toString();
  }
}
