package io.lambdascope.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * Scrapes processors' /metrics as often as it can, the way Prometheus would if it scraped
 * continuously, and records every time a counter (or a histogram's count, sum or bucket) of the
 * stream shows less than it showed before, on any replica: Prometheus would take that for a reset.
 */
public final class CounterWatch implements AutoCloseable {
  private final List<IntSupplier> ports;
  private final Map<String, Double> highest = new ConcurrentHashMap<>();
  private final List<String> steppedBack = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile int scrapes;

  /** Watches the processors whose ports the suppliers give (0: none there now). */
  public CounterWatch(List<IntSupplier> ports) {
    this.ports = List.copyOf(ports);
    this.thread = new Thread(this::run, "counter-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      for (IntSupplier port : ports) {
        int p = port.getAsInt();
        if (p <= 0) {
          continue;
        }
        Map<String, Double> m;
        try {
          m = Scrape.metrics(p);
        } catch (RuntimeException e) {
          continue; // killed, or not listening yet
        }
        scrapes++;
        m.forEach((series, value) -> {
          if (!isStreamCounter(series)) {
            return;
          }
          Double before = highest.get(series);
          if (before != null && value < before) {
            steppedBack.add(series + ": " + before + " then " + value + " (port " + p + ")");
          }
          highest.merge(series, value, Math::max);
        });
      }
    }
  }

  static boolean isStreamCounter(String series) {
    String name = series.substring(0, series.indexOf('{') < 0 ? series.length() : series.indexOf('{'));
    return !name.startsWith("lambdascope_processor_")
        && (name.endsWith("_total") || name.endsWith("_count") || name.endsWith("_sum") || name.endsWith("_bucket"));
  }

  /** Every step back seen so far. */
  public List<String> steppedBack() {
    return new ArrayList<>(steppedBack);
  }

  public int scrapes() {
    return scrapes;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
