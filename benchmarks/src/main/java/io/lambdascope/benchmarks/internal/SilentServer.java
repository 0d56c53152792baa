package io.lambdascope.benchmarks.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Accepts TCP connections on loopback and never reads or answers: a collector that hangs. */
public final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> held = new ArrayList<>();
  private final Thread acceptor;

  private SilentServer(ServerSocket socket) {
    this.socket = socket;
    this.acceptor = new Thread(this::acceptForever, "silent-server");
    this.acceptor.setDaemon(true);
  }

  public static SilentServer start() throws IOException {
    SilentServer server = new SilentServer(new ServerSocket(0, 256, InetAddress.getLoopbackAddress()));
    server.acceptor.start();
    return server;
  }

  private void acceptForever() {
    while (!socket.isClosed()) {
      try {
        Socket accepted = socket.accept();
        synchronized (held) {
          held.add(accepted);
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    synchronized (held) {
      for (Socket s : held) {
        s.close();
      }
      held.clear();
    }
  }

  /** A loopback endpoint where nothing listens: connections are refused at once. */
  public static String refusingEndpoint() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    return "http://127.0.0.1:" + port;
  }
}
