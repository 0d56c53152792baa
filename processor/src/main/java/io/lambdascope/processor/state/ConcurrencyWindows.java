package io.lambdascope.processor.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Concurrent executions of one function over fixed event-time windows, from its invocations' own
 * intervals (start, end): per window the time spent inside it by every invocation (its average
 * concurrency) and the peak overlap (its maximum), across the function's environments.
 *
 * <p>Bounded: per open window at most {@link #MAX_POINTS} change points (each a time in the window
 * and how many invocations start minus end there) and at most {@link #MAX_OPEN} open windows; of
 * the closed ones only the last is kept. Points are exact to the millisecond; when a window holds
 * more, its grid doubles (2 ms, 4 ms, ... at most about window / {@link #MAX_POINTS}) and each point
 * moves to the nearest grid line, so back-to-back invocations still meet and an invocation shorter
 * than half the grid may vanish from the maximum (never from the average, kept exactly).
 *
 * <p>Event time: the function's watermark is the latest invocation end seen. A window is complete
 * once the watermark, or the reader's clock, is {@code lateness} past its end; the watermark closes
 * it. An invocation's part that falls into a window already closed is dropped (counted in {@link
 * #lateMs()}); parts in open windows still count, so an invocation decided up to {@code lateness}
 * after a later one is counted in full.
 */
public final class ConcurrencyWindows {
  static final int MAX_POINTS = 256;
  static final int MAX_OPEN = 32;

  private long windowMs;
  private long watermarkMs;
  private boolean closed;
  private long closedIndex;
  private int closedMax;
  private long closedBusyMs;
  private long lateMs;
  private final List<Window> open = new ArrayList<>(2);

  /** What one window shows: the peak overlap and the average (invocation time inside / window). */
  public record Figures(long index, int max, double average) {}

  private static final class Window {
    final long index;
    long busyMs;
    int grid = 1;
    int size;
    int[] at = new int[8];
    int[] delta = new int[8];

    Window(long index) {
      this.index = index;
    }

    Window copy() {
      Window w = new Window(index);
      w.busyMs = busyMs;
      w.grid = grid;
      w.size = size;
      w.at = at.clone();
      w.delta = delta.clone();
      return w;
    }

    void point(long offsetMs, int d) {
      int key = (int) Math.floorDiv(offsetMs + grid / 2, grid);
      int i = Arrays.binarySearch(at, 0, size, key);
      if (i >= 0) {
        delta[i] += d;
        if (delta[i] == 0) {
          System.arraycopy(at, i + 1, at, i, size - i - 1);
          System.arraycopy(delta, i + 1, delta, i, size - i - 1);
          size--;
        }
        return;
      }
      i = -i - 1;
      if (size == at.length) {
        at = Arrays.copyOf(at, size * 2);
        delta = Arrays.copyOf(delta, size * 2);
      }
      System.arraycopy(at, i, at, i + 1, size - i);
      System.arraycopy(delta, i, delta, i + 1, size - i);
      at[i] = key;
      delta[i] = d;
      size++;
      while (size > MAX_POINTS) {
        coarsen();
      }
    }

    /** Doubles the grid: each point to the nearest line of the new one, equal ones merged, zeros dropped. */
    private void coarsen() {
      grid *= 2;
      int n = 0;
      for (int i = 0; i < size; i++) {
        int key = Math.floorDiv(at[i] + 1, 2);
        if (n > 0 && at[n - 1] == key) {
          delta[n - 1] += delta[i];
          if (delta[n - 1] == 0) {
            n--;
          }
        } else {
          at[n] = key;
          delta[n] = delta[i];
          n++;
        }
      }
      size = n;
    }

    int max() {
      int running = 0;
      int max = 0;
      for (int i = 0; i < size; i++) {
        running += delta[i];
        max = Math.max(max, running);
      }
      return max;
    }
  }

  /**
   * Adds an invocation's interval [startMs, endMs) in event time. Returns whether a part of it fell
   * into a closed window (and was dropped).
   */
  public boolean add(long startMs, long endMs, long windowMs, long latenessMs) {
    if (this.windowMs != windowMs) {
      reset(windowMs); // the window length changed: figures of the old length mean nothing now
    }
    if (endMs <= startMs) {
      return false;
    }
    long first = Math.floorDiv(startMs, windowMs);
    long last = Math.floorDiv(endMs - 1, windowMs);
    long from = Math.max(first, last - MAX_OPEN + 1);
    long dropped = from > first ? from * windowMs - startMs : 0;
    for (long k = from; k <= last; k++) {
      long ws = k * windowMs;
      long s = Math.max(startMs, ws);
      long e = Math.min(endMs, ws + windowMs);
      if (closed && k <= closedIndex) {
        dropped += e - s;
        continue;
      }
      Window w = window(k);
      w.busyMs += e - s;
      w.point(s - ws, 1);
      if (e < ws + windowMs) {
        w.point(e - ws, -1);
      }
    }
    watermarkMs = Math.max(watermarkMs, endMs);
    closeComplete(latenessMs);
    lateMs += dropped;
    return dropped > 0;
  }

  private void reset(long windowMs) {
    this.windowMs = windowMs;
    watermarkMs = 0;
    closed = false;
    closedIndex = 0;
    closedMax = 0;
    closedBusyMs = 0;
    open.clear();
  }

  private Window window(long k) {
    int i = 0;
    while (i < open.size() && open.get(i).index < k) {
      i++;
    }
    if (i < open.size() && open.get(i).index == k) {
      return open.get(i);
    }
    Window w = new Window(k);
    open.add(i, w);
    while (open.size() > MAX_OPEN) {
      close(open.get(0));
    }
    return w;
  }

  private void closeComplete(long latenessMs) {
    while (!open.isEmpty() && (open.get(0).index + 1) * windowMs + latenessMs <= watermarkMs) {
      close(open.get(0));
    }
  }

  private void close(Window w) {
    open.remove(w);
    closed = true;
    closedIndex = w.index;
    closedMax = w.max();
    closedBusyMs = w.busyMs;
  }

  /**
   * The last complete window as of {@code nowMs} (the reader's clock): the latest whose end is
   * {@code latenessMs} behind the watermark or the clock; null before the first invocation. A
   * window without invocations shows 0.
   */
  public Figures lastComplete(long nowMs, long latenessMs) {
    if (windowMs == 0) {
      return null;
    }
    long c = Math.floorDiv(Math.max(watermarkMs, nowMs) - latenessMs, windowMs) - 1;
    if (closed && c == closedIndex) {
      return new Figures(c, closedMax, (double) closedBusyMs / windowMs);
    }
    for (Window w : open) {
      if (w.index == c) {
        return new Figures(c, w.max(), (double) w.busyMs / windowMs);
      }
    }
    return new Figures(c, 0, 0);
  }

  /** Invocation time dropped because its window had closed (ms). */
  public long lateMs() {
    return lateMs;
  }

  public ConcurrencyWindows copy() {
    ConcurrencyWindows c = new ConcurrencyWindows();
    c.windowMs = windowMs;
    c.watermarkMs = watermarkMs;
    c.closed = closed;
    c.closedIndex = closedIndex;
    c.closedMax = closedMax;
    c.closedBusyMs = closedBusyMs;
    c.lateMs = lateMs;
    open.forEach(w -> c.open.add(w.copy()));
    return c;
  }

  /**
   * The sum with the same function's windows kept by another task: the averages add; the maxima
   * add too (an upper bound: the two peaks may not coincide).
   */
  public ConcurrencyWindows plus(ConcurrencyWindows other) {
    if (other.windowMs != windowMs || other.windowMs == 0) {
      return windowMs == 0 ? other.copy() : copy();
    }
    ConcurrencyWindows sum = copy();
    sum.watermarkMs = Math.max(watermarkMs, other.watermarkMs);
    sum.lateMs += other.lateMs;
    if (other.closed && (!closed || other.closedIndex > closedIndex)) {
      sum.closed = true;
      sum.closedIndex = other.closedIndex;
      sum.closedMax = other.closedMax;
      sum.closedBusyMs = other.closedBusyMs;
    } else if (other.closed && other.closedIndex == closedIndex) {
      sum.closedMax += other.closedMax;
      sum.closedBusyMs += other.closedBusyMs;
    }
    for (Window o : other.open) {
      if (sum.closed && o.index <= sum.closedIndex) {
        continue;
      }
      Window w = sum.window(o.index);
      w.busyMs += o.busyMs;
      for (int i = 0; i < o.size; i++) {
        w.point((long) o.at[i] * o.grid, o.delta[i]);
      }
    }
    return sum;
  }

  void write(Bin.Writer w) {
    w.var(windowMs).var(watermarkMs).bool(closed).svar(closedIndex).var(closedMax).var(closedBusyMs).var(lateMs);
    w.var(open.size());
    for (Window o : open) {
      w.svar(o.index).var(o.busyMs).var(o.grid).var(o.size);
      for (int i = 0; i < o.size; i++) {
        w.var(o.at[i]).svar(o.delta[i]);
      }
    }
  }

  static ConcurrencyWindows read(Bin.Reader r) {
    ConcurrencyWindows c = new ConcurrencyWindows();
    c.windowMs = r.var();
    c.watermarkMs = r.var();
    c.closed = r.bool();
    c.closedIndex = r.svar();
    c.closedMax = r.varInt();
    c.closedBusyMs = r.var();
    c.lateMs = r.var();
    int n = r.varInt();
    for (int k = 0; k < n; k++) {
      Window o = new Window(r.svar());
      o.busyMs = r.var();
      o.grid = r.varInt();
      o.size = r.varInt();
      o.at = new int[Math.max(8, o.size)];
      o.delta = new int[o.at.length];
      for (int i = 0; i < o.size; i++) {
        o.at[i] = r.varInt();
        o.delta[i] = (int) r.svar();
      }
      if (k < MAX_OPEN) {
        c.open.add(o);
      }
    }
    return c;
  }
}
