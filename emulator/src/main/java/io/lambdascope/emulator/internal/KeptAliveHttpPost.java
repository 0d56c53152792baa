package io.lambdascope.emulator.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * POSTs to one HTTP URI over one kept-alive HTTP/1.1 connection, on the calling thread, and reads the answer's
 * status: how the platform delivers Telemetry API batches. A blocking socket and nothing else, so a delivery costs
 * the platform a write and a read, as a lean platform client does, and not the hand-overs between threads of a
 * general-purpose client: a delivery lands beside an invocation, and its cost must not be mistaken for the
 * subscriber's. The connection is opened again after any failure; a failure on a connection reused from an earlier
 * delivery, before any answer came, is tried once more on a new one (the listener may have closed it while idle).
 * Not thread-safe: one subscription's sender uses it.
 */
final class KeptAliveHttpPost implements AutoCloseable {
  private static final int MAX_HEAD_BYTES = 16 * 1024;

  private final URI target;
  private final int timeoutMillis;
  private final byte[] requestHead;
  private Socket socket;
  private InputStream in;

  KeptAliveHttpPost(URI target, int timeoutMillis) {
    this.target = target;
    this.timeoutMillis = timeoutMillis;
    String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
    if (target.getRawQuery() != null) {
      path += "?" + target.getRawQuery();
    }
    this.requestHead = ("POST " + path + " HTTP/1.1\r\nHost: " + target.getHost() + ":" + port(target)
        + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
  }

  /** Sends {@code body} and returns the answer's status code; the answer's body is read and discarded. */
  int post(byte[] body) throws IOException {
    boolean reused = socket != null;
    try {
      return exchange(body);
    } catch (IOException e) {
      close();
      if (!reused || e instanceof SocketTimeoutException || e instanceof AnsweredException) {
        throw e;
      }
      return exchange(body);
    }
  }

  private int exchange(byte[] body) throws IOException {
    if (socket == null) {
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(target.getHost(), port(target)), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
      } catch (IOException e) {
        s.close();
        throw e;
      }
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), 4096);
    }
    OutputStream out = socket.getOutputStream();
    byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[requestHead.length + length.length + body.length];
    System.arraycopy(requestHead, 0, request, 0, requestHead.length);
    System.arraycopy(length, 0, request, requestHead.length, length.length);
    System.arraycopy(body, 0, request, requestHead.length + length.length, body.length);
    out.write(request);
    out.flush();
    try {
      return readAnswer();
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  /** Reads one answer (skipping interim 1xx ones); closes the connection when the answer asks or has no length. */
  private int readAnswer() throws IOException {
    while (true) {
      String head = readHead();
      String[] lines = head.split("\r\n");
      String[] status = lines[0].split(" ", 3);
      if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
        throw new AnsweredException("not an HTTP/1.x answer: " + lines[0]);
      }
      int code;
      try {
        code = Integer.parseInt(status[1]);
      } catch (NumberFormatException e) {
        throw new AnsweredException("not an HTTP status: " + lines[0]);
      }
      if (code / 100 == 1) {
        continue;
      }
      long contentLength = -1;
      boolean chunked = false;
      boolean close = status[0].equals("HTTP/1.0");
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
          case "content-length" -> contentLength = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.contains("chunked");
          case "connection" -> close = value.contains("close") || close && !value.contains("keep-alive");
          default -> { }
        }
      }
      if (chunked) {
        skipChunks();
      } else if (contentLength >= 0) {
        skip(contentLength);
      } else if (code != 204 && code != 304) {
        close = true; // the body ends with the connection
      }
      if (close) {
        close();
      }
      return code;
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(128);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the listener closed the connection without answering");
      }
      if (head.size() >= MAX_HEAD_BYTES) {
        throw new AnsweredException("an answer's head longer than " + MAX_HEAD_BYTES + " bytes");
      }
      head.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private void skipChunks() throws IOException {
    while (true) {
      String line = readLine();
      int semicolon = line.indexOf(';');
      long size;
      try {
        size = Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new AnsweredException("a malformed chunk size: " + line);
      }
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return;
      }
      skip(size);
      readLine();
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the listener closed the connection within an answer");
      }
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      if (line.length() >= MAX_HEAD_BYTES) {
        throw new AnsweredException("a line longer than " + MAX_HEAD_BYTES + " bytes");
      }
      line.append((char) b);
    }
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      long skipped = in.skip(n);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("the listener closed the connection within an answer's body");
        }
        skipped = 1;
      }
      n -= skipped;
    }
  }

  @Override
  public void close() {
    Socket s = socket;
    socket = null;
    in = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // already broken
      }
    }
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : 80;
  }

  /** The listener answered, but not as HTTP/1.x allows: sending again on a new connection would not help. */
  private static final class AnsweredException extends IOException {
    AnsweredException(String message) {
      super(message);
    }
  }
}
