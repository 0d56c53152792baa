package io.lambdascope.alerts.local.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A server binary run as a child process in its own directory, ready once its URL answers 200. */
public final class ServerProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path dir;
  private final Path log;

  private ServerProcess(String name, Process process, Path dir, Path log) {
    this.name = name;
    this.process = process;
    this.dir = dir;
    this.log = log;
  }

  /**
   * Starts {@code command} in {@code dir} (deleted again by {@link #close()}), with stdout and
   * stderr in {@code dir/<name>.log}, and waits until {@code readyUrl} answers 200.
   */
  public static ServerProcess start(String name, List<String> command, Path dir, URI readyUrl, Duration timeout) {
    Objects.requireNonNull(command, "command");
    Path log = dir.resolve(name + ".log");
    Process process;
    try {
      process = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      deleteRecursively(dir);
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
    ServerProcess server = new ServerProcess(name, process, dir, log);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        String tail = server.logTail();
        server.close();
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready; log:\n" + tail);
      }
      if (answers200(readyUrl)) {
        return server;
      }
      if (System.nanoTime() > deadline) {
        String tail = server.logTail();
        server.close();
        throw new IllegalStateException(name + " not ready at " + readyUrl + " after " + timeout + "; log:\n" + tail);
      }
      sleep(100);
    }
  }

  /** Fails with the install command when {@code binary} is not on the PATH. */
  public static String requireBinary(String binary, String debianPackage) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, binary))) {
        return Path.of(entry, binary).toString();
      }
    }
    throw new IllegalStateException(binary + " is not installed (not on PATH); install it with: apt-get install " + debianPackage);
  }

  /** A TCP port free on 127.0.0.1 at the time of the call. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** The last lines the process wrote, for error messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and deletes its directory. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteRecursively(dir);
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }

  private static boolean answers200(URI url) {
    try {
      HttpResponse<Void> response = HTTP.send(
          HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + url, e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Deletes a directory tree, ignoring what is already gone. */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // Left for the OS's temp cleanup: never fail a test over it.
        }
      });
    } catch (IOException e) {
      // Same: a leftover temp directory is not a test failure.
    }
  }
}
