package io.lambdascope.collector;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 connection on a plain blocking socket, one request at a time: no pool and
 * no queue inside the client, so a request that gets no answer is the server's doing, and its wait
 * is bounded by the timeout given.
 */
final class RawHttpConnection implements AutoCloseable {
  /** An answer: status, {@code Retry-After} (null if absent), body. */
  record Answer(int status, String retryAfter, byte[] body) {}

  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  RawHttpConnection(int port) {
    this.port = port;
  }

  /**
   * POSTs and reads the answer, reconnecting first if the last answer closed the connection.
   *
   * @throws IOException when the connection fails or no complete answer arrives within {@code timeoutMs}
   */
  Answer post(String path, String contentType, byte[] body, int timeoutMs) throws IOException {
    if (socket == null) {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    socket.setSoTimeout(timeoutMs);
    String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    try {
      String status = line(deadline);
      if (status == null) {
        throw new IOException("connection closed without an answer");
      }
      int code = Integer.parseInt(status.split(" ")[1]);
      int length = 0;
      boolean close = false;
      String retryAfter = null;
      for (String h = line(deadline); h != null && !h.isEmpty(); h = line(deadline)) {
        int colon = h.indexOf(':');
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Integer.parseInt(value);
          case "connection" -> close = value.equalsIgnoreCase("close");
          case "retry-after" -> retryAfter = value;
          default -> { }
        }
      }
      byte[] answer = new byte[length];
      for (int read = 0; read < length; ) {
        timeout(deadline);
        int n = in.read(answer, read, length - read);
        if (n < 0) {
          throw new IOException("connection closed in the middle of an answer");
        }
        read += n;
      }
      if (close) {
        close();
      }
      return new Answer(code, retryAfter, answer);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private String line(long deadline) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      timeout(deadline);
      int c = in.read();
      if (c < 0) {
        return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
      }
      if (c == '\n') {
        String s = b.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
  }

  /** A blocked read ends after the socket timeout (the whole timeout); the deadline is checked between reads. */
  private static void timeout(long deadline) throws IOException {
    if (System.nanoTime() > deadline) {
      throw new IOException("no answer within the timeout");
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }
}
