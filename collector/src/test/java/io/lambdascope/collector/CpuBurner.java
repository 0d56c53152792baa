package io.lambdascope.collector;

/**
 * Overloads the machine for tests: {@code <threads> <seconds>} threads spin for that long, then the
 * process exits by itself, so it never outlives the test that started it.
 */
public final class CpuBurner {
  private CpuBurner() {}

  public static void main(String[] args) throws InterruptedException {
    int threads = Integer.parseInt(args[0]);
    long end = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        long x = 0;
        while (System.nanoTime() < end) {
          x += x * 31 + 7;
        }
        if (x == 42) {
          System.out.println(x); // keeps the loop from being optimized away
        }
      });
      t.start();
    }
    System.out.println("BURNING " + threads);
    System.out.flush();
    Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
  }
}
