package io.lambdascope.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The platform's telemetry POST against a listener that keeps, closes, chunks, stalls or garbles its answers. */
class KeptAliveHttpPostTest {
  /** What the listener does with one request: the bytes it answers with, and whether it closes afterwards. */
  private record Answer(String bytes, boolean closeAfter) {}

  private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private ServerSocket server;
  private Thread acceptor;
  private KeptAliveHttpPost post;

  private URI listen() throws IOException {
    server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          connections.incrementAndGet();
          Thread t = new Thread(() -> serve(s));
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/lambdascope/telemetry");
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        int length = 0;
        for (String line : head.split("\r\n")) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        assertTrue(head.startsWith("POST /lambdascope/telemetry HTTP/1.1\r\n"), head);
        bodies.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
        Answer a = answers.take();
        if (a.bytes() != null) {
          out.write(a.bytes().getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        if (a.closeAfter()) {
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client went away
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      String s = head.toString(StandardCharsets.US_ASCII);
      if (s.endsWith("\r\n\r\n")) {
        return s;
      }
    }
  }

  @AfterEach
  void close() throws IOException {
    if (post != null) {
      post.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private int send(String batch) throws IOException {
    return post.post(batch.getBytes(StandardCharsets.UTF_8));
  }

  /** Posts each batch in turn: each got its status, and the listener read each whole, in order. */
  private void assertDelivered(List<Integer> statuses, String... batches) throws IOException {
    List<Integer> got = new java.util.ArrayList<>();
    for (String b : batches) {
      got.add(send(b));
    }
    assertEquals(statuses, got);
    assertEquals(List.of(batches), bodies);
  }

  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

  @Test
  void deliveriesShareOneConnectionAndTheBodiesArriveWhole() throws Exception {
    post = new KeptAliveHttpPost(listen(), 2_000);
    answers.add(new Answer(OK, false));
    answers.add(new Answer("HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", false));
    answers.add(new Answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", false));
    answers.add(new Answer(OK, false));

    assertDelivered(List.of(200, 202, 204, 200), "[{\"n\":1}]", "[{\"n\":2}]", "[{\"n\":3}]", "[{\"n\":4}]");
    assertEquals(1, connections.get());
  }

  @Test
  void aConnectionTheListenerClosedIsOpenedAgain() throws Exception {
    post = new KeptAliveHttpPost(listen(), 2_000);
    answers.add(new Answer(OK, true)); // answered, then closed while idle
    answers.add(new Answer("HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        true));
    answers.add(new Answer("HTTP/1.0 200 OK\r\n\r\nbody until close", true));
    answers.add(new Answer(OK, false));

    assertDelivered(List.of(200, 500, 200, 200), "[1]", "[2]", "[3]", "[4]");
    assertEquals(4, connections.get());
  }

  @Test
  void aSilentListenerTimesOutAndIsNotAskedTwice() throws Exception {
    post = new KeptAliveHttpPost(listen(), 300);
    answers.add(new Answer(null, false)); // reads the request, never answers

    long start = System.nanoTime();
    assertThrows(SocketTimeoutException.class, () -> send("[1]"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= 250 && ms < 5_000, "timed out after " + ms + " ms");
    assertEquals(1, bodies.size());

    answers.add(new Answer(OK, false));
    assertEquals(200, send("[2]"));
    assertEquals(2, connections.get());
  }

  @Test
  void anAnswerThatIsNotHttpFailsWithoutASecondTry() throws Exception {
    post = new KeptAliveHttpPost(listen(), 2_000);
    answers.add(new Answer(OK, false));
    answers.add(new Answer("SSH-2.0-OpenSSH\r\n\r\n", false));

    assertEquals(200, send("[1]"));
    IOException e = assertThrows(IOException.class, () -> send("[2]"));
    assertTrue(e.getMessage().contains("not an HTTP/1.x answer"), e.getMessage());
    assertEquals(2, bodies.size());
  }

  @Test
  void nobodyListeningFailsAtOnce() throws Exception {
    URI target = listen();
    server.close();
    post = new KeptAliveHttpPost(target, 2_000);
    assertThrows(IOException.class, () -> send("[1]"));
  }
}
