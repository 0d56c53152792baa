package io.lambdascope.emulator.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A function's log file ({@code <log dir>/<function>.log}), which every process of every environment of the
 * function writes to line by line, as Lambda gathers them in one log group. Each line is also offered to the
 * environment's Telemetry API subscribers, as a {@code function} event (the runtime) or an {@code extension} event.
 */
final class FunctionLog implements AutoCloseable {
  private final OutputStream out;

  FunctionLog(Path file) throws IOException {
    this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Copies a process's output, line by line, until it closes; on a daemon thread of its own. */
  void pump(InputStream output, String category, String threadName, Consumer<TelemetrySubscription.Event> telemetry) {
    Thread t = new Thread(() -> copy(output, category, telemetry), threadName);
    t.setDaemon(true);
    t.start();
  }

  private void copy(InputStream output, String category, Consumer<TelemetrySubscription.Event> telemetry) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        write(line);
        telemetry.accept(new TelemetrySubscription.Event(category,
            PlatformEventPublisher.event(Instant.now(), category, line)));
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  private synchronized void write(String line) {
    try {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // a log line is not worth failing an invocation for
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      // nothing more to write
    }
  }
}
