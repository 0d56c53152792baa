package io.lambdascope.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** Raw sockets playing slow HTTP clients, for tests of servers that must close them. */
public final class SlowSockets {
  private SlowSockets() {}

  /** Writes {@code bytes} one at a time, {@code pauseMs} apart; stops quietly when the server closes. */
  public static void trickle(Socket s, byte[] bytes, long pauseMs) {
    try {
      OutputStream out = s.getOutputStream();
      for (byte b : bytes) {
        out.write(b);
        out.flush();
        if (pauseMs > 0) {
          Thread.sleep(pauseMs);
        }
      }
    } catch (IOException closed) {
      // the server closed the connection, as the caller expects
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Milliseconds from {@code startNanos} until the server closed {@code s}, reading and discarding
   * what it sends before (an answer, a refusal).
   *
   * @throws AssertionError when the socket's read timeout passes first: the server kept it open
   */
  public static long closedAfterMs(Socket s, long startNanos) throws IOException {
    InputStream in = s.getInputStream();
    try {
      while (in.read() != -1) {
        // what the server sent before closing
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("connection still open after " + s.getSoTimeout() + " ms", e);
    } catch (SocketException reset) {
      // closed with a reset: closed all the same
    }
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
