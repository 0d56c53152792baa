package io.lambdascope.collector;

/**
 * Runs a collector in its own JVM for tests that need a small heap: configured from the
 * environment, prints {@code LISTENING <port>}, stops gracefully when standard input closes.
 */
public final class ForkedCollectorMain {
  private ForkedCollectorMain() {}

  public static void main(String[] args) throws Exception {
    Collector collector = Collector.start(CollectorConfig.fromSettings(System.getenv()));
    System.out.println("LISTENING " + collector.port());
    System.out.flush();
    while (System.in.read() != -1) {
      // wait for the parent to close our standard input
    }
    collector.close();
    System.out.println("STOPPED");
  }
}
