package io.lambdascope.collector;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a collector in its own JVM for tests that need a small heap or a signal: configured from
 * the environment, prints {@code LISTENING <port>}, and on SIGTERM closes it gracefully from a
 * shutdown hook (as the launcher does) and prints {@code STOPPED}.
 */
public final class ForkedCollectorMain {
  private ForkedCollectorMain() {}

  public static void main(String[] args) throws Exception {
    Collector collector = Collector.start(CollectorConfig.fromSettings(System.getenv()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      collector.close();
      System.out.println("STOPPED");
      System.out.flush();
      stopped.countDown();
    }));
    System.out.println("LISTENING " + collector.port());
    System.out.flush();
    stopped.await();
  }
}
