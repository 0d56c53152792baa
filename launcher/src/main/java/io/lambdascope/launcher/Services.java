package io.lambdascope.launcher;

import io.lambdascope.collector.Collector;
import io.lambdascope.collector.CollectorConfig;
import io.lambdascope.kafka.EmbeddedKafka;
import io.lambdascope.processor.Processor;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.settings.KafkaSettings;
import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of Lambdascope in this JVM: Kafka (the user's, or an embedded broker), the
 * collector and the processor. Closing stops them in reverse order, so the collector drains into
 * a broker that is still up.
 */
final class Services implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Services.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private Settings settings;
  private Collector collector;
  private Processor processor;

  private Services(Settings settings) {
    this.settings = settings;
  }

  /** Kafka only: the embedded broker when {@code KAFKA_BOOTSTRAP_SERVERS} is unset. */
  static Services kafka(Settings settings) {
    Services services = new Services(settings);
    try {
      services.startKafka();
      return services;
    } catch (RuntimeException e) {
      services.close();
      throw e;
    }
  }

  Services withCollector() {
    try {
      CollectorConfig config = CollectorConfig.fromSettings(settings.asMap());
      if (config.unauthenticatedOnNetwork()) {
        String warning = "WARNING: the collector accepts telemetry from the network WITHOUT authentication "
            + "(LAMBDASCOPE_ALLOW_UNAUTHENTICATED=true and no LAMBDASCOPE_AUTH_TOKENS): anyone who reaches "
            + config.host() + " can write into Kafka";
        log.warn(warning);
        System.err.println("lambdascope: " + warning);
      }
      collector = Collector.start(config);
      started.push(collector::close);
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  Services withProcessor() {
    try {
      Settings withState =
          settings.isSet(ProcessorConfig.STATE_DIR)
              ? settings
              : settings.with(ProcessorConfig.STATE_DIR, dataDir().resolve("processor"));
      processor = Processor.start(ProcessorConfig.fromSettings(withState.asMap()));
      started.push(processor::close);
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void startKafka() {
    if (settings.isSet(KafkaSettings.BOOTSTRAP_SERVERS)) {
      log.info("using Kafka at {}", kafkaBootstrapServers());
      return;
    }
    EmbeddedKafka kafka =
        EmbeddedKafka.builder(dataDir().resolve("kafka"))
            .port(settings.get(SettingsCatalog.KAFKA_PORT))
            .controllerPort(settings.get(SettingsCatalog.KAFKA_CONTROLLER_PORT))
            .defaultPartitions(settings.get(KafkaSettings.TOPIC_PARTITIONS))
            .start();
    started.push(kafka);
    settings = settings.with(KafkaSettings.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers());
  }

  /** Adds a setting for the parts started after this call. */
  <T> Services with(Setting<T> setting, T value) {
    settings = settings.with(setting, value);
    return this;
  }

  /** Stops {@code resource} with the rest, before everything started earlier. */
  <T extends AutoCloseable> T closeLater(T resource) {
    started.push(resource);
    return resource;
  }

  Path dataDir() {
    return settings.get(SettingsCatalog.DATA_DIR);
  }

  /** The settings with the broker's address filled in. */
  Settings settings() {
    return settings;
  }

  String kafkaBootstrapServers() {
    return KafkaSettings.bootstrapServers(settings.require(KafkaSettings.BOOTSTRAP_SERVERS));
  }

  Collector collector() {
    return collector;
  }

  Processor processor() {
    return processor;
  }

  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        log.warn("error while stopping: {}", e.toString());
      }
    }
  }
}
