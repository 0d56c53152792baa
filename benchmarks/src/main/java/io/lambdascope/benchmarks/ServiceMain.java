package io.lambdascope.benchmarks;

import io.lambdascope.collector.Collector;
import io.lambdascope.collector.CollectorConfig;
import io.lambdascope.processor.Processor;
import io.lambdascope.processor.ProcessorConfig;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The server side in a JVM of its own, so its CPU time can be read from /proc: the collector, the
 * processor or both (argument {@code collector}, {@code processor} or {@code collector,processor}),
 * configured from the environment as the launcher does. Prints {@code ready collector=<port>
 * processor=<port>} and runs until its standard input closes.
 */
public final class ServiceMain {
  private ServiceMain() {}

  public static void main(String[] args) throws Exception {
    List<String> parts = List.of(args[0].split(","));
    Deque<AutoCloseable> started = new ArrayDeque<>();
    int collectorPort = -1;
    int processorPort = -1;
    try {
      if (parts.contains("processor")) {
        Processor processor = Processor.start(ProcessorConfig.fromSettings(System.getenv()));
        started.push(processor);
        processorPort = processor.httpPort();
      }
      if (parts.contains("collector")) {
        Collector collector = Collector.start(CollectorConfig.fromSettings(System.getenv()));
        started.push(collector);
        collectorPort = collector.port();
      }
      System.out.println("ready collector=" + collectorPort + " processor=" + processorPort);
      System.out.flush();
      while (System.in.read() >= 0) {
        // runs until the harness closes our standard input
      }
    } finally {
      while (!started.isEmpty()) {
        started.pop().close();
      }
    }
  }
}
