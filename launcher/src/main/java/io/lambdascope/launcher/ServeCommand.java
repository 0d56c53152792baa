package io.lambdascope.launcher;

import io.lambdascope.settings.KafkaSettings;
import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code all}, {@code collector} and {@code processor}: start the server parts and run until stopped. */
final class ServeCommand implements Command {
  private final String name;
  private final String summary;
  private final boolean collector;
  private final boolean processor;

  private ServeCommand(String name, String summary, boolean collector, boolean processor) {
    this.name = name;
    this.summary = summary;
    this.collector = collector;
    this.processor = processor;
  }

  static ServeCommand all() {
    return new ServeCommand(
        "all",
        "Run the collector and the processor in one JVM, with an embedded Kafka when KAFKA_BOOTSTRAP_SERVERS is unset.",
        true,
        true);
  }

  static ServeCommand collector() {
    return new ServeCommand(
        "collector", "Run the OTLP collector against the Kafka cluster in KAFKA_BOOTSTRAP_SERVERS.", true, false);
  }

  static ServeCommand processor() {
    return new ServeCommand(
        "processor", "Run the processor against the Kafka cluster in KAFKA_BOOTSTRAP_SERVERS.", false, true);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String summary() {
    return summary;
  }

  @Override
  public List<Setting<?>> settings() {
    if (collector && processor) {
      return SettingsCatalog.of(SettingsCatalog.KAFKA, SettingsCatalog.COLLECTOR, SettingsCatalog.PROCESSOR);
    }
    return SettingsCatalog.of(SettingsCatalog.KAFKA, collector ? SettingsCatalog.COLLECTOR : SettingsCatalog.PROCESSOR);
  }

  @Override
  public int run(Settings settings) {
    if (!(collector && processor) && !settings.isSet(KafkaSettings.BOOTSTRAP_SERVERS)) {
      throw new UsageException(
          "KAFKA_BOOTSTRAP_SERVERS is not set; only 'lambdascope all' and 'lambdascope demo' start an embedded Kafka");
    }
    Ports.requireFreeForServices(settings, collector, processor);
    Services services = Services.kafka(settings);
    if (collector) {
      services.withCollector();
    }
    if (processor) {
      services.withProcessor();
    }
    Banner.print(System.out, services);
    awaitTermination(services);
    return 0;
  }

  /** Blocks until SIGTERM or Ctrl-C, then stops the services before the JVM exits. */
  static void awaitTermination(AutoCloseable services) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("lambdascope: stopping");
                  try {
                    services.close();
                  } catch (Exception e) {
                    System.err.println("lambdascope: error while stopping: " + e);
                  }
                  System.out.println("lambdascope: stopped");
                  stopped.countDown();
                },
                "lambdascope-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
