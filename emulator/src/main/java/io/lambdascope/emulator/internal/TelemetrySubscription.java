package io.lambdascope.emulator.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One extension's Telemetry API subscription: a buffer of the events of its types and a sender thread. A batch goes
 * out when {@code maxItems} events or {@code maxBytes} are buffered or the oldest has waited {@code timeoutMs}, holds
 * at most that many, and is sent again (with backoff) until the listener takes it, in order; only while the
 * environment is thawed ({@link FreezeGate}). A batch whose answer does not come in time is sent again, so a slow
 * listener may get it twice. Beyond ten times the limits newer events are dropped and reported with
 * {@code platform.logsDropped}, as Lambda does when a subscriber falls behind.
 */
final class TelemetrySubscription {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(2);
  private static final long MAX_BACKOFF_MS = 1000;
  /** How many times the buffering limits the buffer may hold while the listener does not take it. */
  private static final int BACKLOG_FACTOR = 10;

  /** One event, already written as JSON, and its category ({@code platform}, {@code function}, {@code extension}). */
  record Event(String category, byte[] json) {}

  private final String extensionName;
  private final Set<String> types;
  private final boolean tcp;
  private final URI target;
  private final int maxItems;
  private final int maxBytes;
  private final long timeoutMs;
  private final FreezeGate gate;
  /** The HTTP destination's connection (null for TCP). */
  private final KeptAliveHttpPost http;
  private final Deque<Event> buffer = new ArrayDeque<>();
  private final Thread sender;
  private long bufferedBytes;
  private long oldestNanos;
  private int flushes;
  private boolean sending;
  private long droppedRecords;
  private long droppedBytes;
  private boolean closed;
  private Socket socket;

  /**
   * @param target where the listener is on this machine (the subscription's URI with sandbox.localdomain mapped)
   */
  TelemetrySubscription(String extensionName, Set<String> types, boolean tcp, URI target, int maxItems, int maxBytes,
      long timeoutMs, FreezeGate gate) {
    this.extensionName = extensionName;
    this.types = Set.copyOf(types);
    this.tcp = tcp;
    this.target = target;
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
    this.timeoutMs = timeoutMs;
    this.gate = gate;
    this.http = tcp ? null : new KeptAliveHttpPost(target, (int) SEND_TIMEOUT.toMillis());
    this.sender = new Thread(this::run, "lambdascope-telemetry-" + extensionName);
    sender.setDaemon(true);
  }

  void start() {
    sender.start();
  }

  String extensionName() {
    return extensionName;
  }

  /** Buffers the event if it is of a subscribed type. */
  synchronized void offer(Event event) {
    if (closed || !types.contains(event.category())) {
      return;
    }
    if (buffer.size() >= BACKLOG_FACTOR * maxItems
        || bufferedBytes + event.json().length > (long) BACKLOG_FACTOR * maxBytes) {
      droppedRecords++;
      droppedBytes += event.json().length;
      return;
    }
    if (buffer.isEmpty()) {
      oldestNanos = System.nanoTime();
    }
    buffer.addLast(event);
    bufferedBytes += event.json().length;
    notifyAll();
  }

  /** Sends what is buffered now, without waiting for {@code timeoutMs}; true when it all went out in time. */
  boolean flush(long deadlineNanos) throws InterruptedException {
    synchronized (this) {
      flushes++;
      notifyAll();
      try {
        while (!closed && (!buffer.isEmpty() || sending)) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          wait(Math.max(1, left / 1_000_000));
        }
        return buffer.isEmpty();
      } finally {
        flushes--;
      }
    }
  }

  private void run() {
    long backoffMs = 25;
    while (true) {
      List<Event> batch;
      try {
        batch = nextBatch();
        if (batch == null) {
          return;
        }
        if (!gate.enter(200)) {
          synchronized (this) {
            sending = false;
            notifyAll();
          }
          continue;
        }
        boolean sent;
        try {
          sent = send(batch);
        } finally {
          gate.exit();
        }
        synchronized (this) {
          sending = false;
          if (sent) {
            for (int i = 0; i < batch.size(); i++) {
              bufferedBytes -= buffer.removeFirst().json().length;
            }
            oldestNanos = System.nanoTime();
            notifyAll();
          }
        }
        if (sent) {
          backoffMs = 25;
        } else {
          // Lambda retries, with backoff, while there is no listener or it answers an error.
          Thread.sleep(backoffMs);
          backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Waits until a batch is due and returns it (still buffered until sent), or null once closed. */
  private synchronized List<Event> nextBatch() throws InterruptedException {
    while (true) {
      if (closed) {
        return null;
      }
      if (droppedRecords > 0 && buffer.size() < maxItems) {
        buffer.addLast(logsDropped());
      }
      if (!buffer.isEmpty()) {
        long waitedMs = (System.nanoTime() - oldestNanos) / 1_000_000;
        if (flushes > 0 || buffer.size() >= maxItems || bufferedBytes >= maxBytes || waitedMs >= timeoutMs) {
          List<Event> batch = new ArrayList<>();
          long bytes = 0;
          for (Event e : buffer) {
            if (batch.size() == maxItems || (!batch.isEmpty() && bytes + e.json().length > maxBytes)) {
              break;
            }
            batch.add(e);
            bytes += e.json().length;
          }
          sending = true;
          return batch;
        }
        wait(Math.max(1, timeoutMs - waitedMs));
      } else {
        wait();
      }
    }
  }

  private Event logsDropped() {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("droppedBytes", droppedBytes);
    record.put("droppedRecords", droppedRecords);
    record.put("reason", "Consumer seems to have fallen behind as it has not acknowledged receipt of logs.");
    droppedRecords = 0;
    droppedBytes = 0;
    byte[] json = PlatformEventPublisher.event(Instant.now(), "platform.logsDropped", record);
    bufferedBytes += json.length;
    return new Event("platform", json);
  }

  private boolean send(List<Event> batch) {
    try {
      return tcp ? sendTcp(batch) : http.post(array(batch)) / 100 == 2;
    } catch (IOException e) {
      return false;
    }
  }

  /** TCP: newline-delimited JSON on one connection, opened again when it breaks. */
  private boolean sendTcp(List<Event> batch) throws IOException {
    try {
      if (socket == null || socket.isClosed()) {
        socket = new Socket();
        socket.connect(new InetSocketAddress(target.getHost(), target.getPort()), (int) SEND_TIMEOUT.toMillis());
      }
      OutputStream out = socket.getOutputStream();
      for (Event e : batch) {
        out.write(e.json());
        out.write('\n');
      }
      out.flush();
      return true;
    } catch (IOException e) {
      closeSocket();
      throw e;
    }
  }

  private static byte[] array(List<Event> batch) {
    int size = 2;
    for (Event e : batch) {
      size += e.json().length + 1;
    }
    byte[] out = new byte[size];
    int at = 0;
    out[at++] = '[';
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      byte[] json = batch.get(i).json();
      System.arraycopy(json, 0, out, at, json.length);
      at += json.length;
    }
    out[at++] = ']';
    return java.util.Arrays.copyOf(out, at);
  }

  private void closeSocket() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // already broken
      }
      socket = null;
    }
  }

  /** Stops sending; what is still buffered is lost, as when Lambda discards the environment. */
  void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    sender.interrupt();
    closeSocket();
    if (http != null) {
      http.close();
    }
  }

  @Override
  public String toString() {
    return extensionName + " " + types + " -> " + target;
  }
}
