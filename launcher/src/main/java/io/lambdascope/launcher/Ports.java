package io.lambdascope.launcher;

import io.lambdascope.collector.CollectorConfig;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.settings.KafkaSettings;
import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Ports a command is about to listen on, checked before anything starts: a port another program
 * holds stops the command with one line that names the setting to change, instead of a bind error
 * from deep inside Kafka or Vert.x.
 */
final class Ports {
  private Ports() {}

  /** A port that is taken; Main prints its message as the command's only line of error. */
  static final class PortTakenException extends UsageException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
      super(message);
    }
  }

  /** The ports of the embedded broker (when there is one), the collector and the processor, as the command starts them. */
  static void requireFreeForServices(Settings settings, boolean collector, boolean processor) {
    if (!settings.isSet(KafkaSettings.BOOTSTRAP_SERVERS)) {
      requireFree(settings, SettingsCatalog.KAFKA_PORT, "127.0.0.1");
      requireFree(settings, SettingsCatalog.KAFKA_CONTROLLER_PORT, "127.0.0.1");
    }
    if (collector) {
      requireFree(settings, CollectorConfig.OTLP_PORT, settings.get(CollectorConfig.OTLP_HOST));
    }
    if (processor) {
      requireFree(settings, ProcessorConfig.METRICS_PORT, settings.get(ProcessorConfig.METRICS_HOST));
    }
  }

  /** Fails unless {@code setting}'s port is 0 (any free port) or free on {@code host}. */
  static void requireFree(Settings settings, Setting<Integer> setting, String host) {
    int port = settings.get(setting);
    if (port != 0 && !isFree(host, port)) {
      throw taken(setting, host, port);
    }
  }

  /**
   * The port to ask for: {@code setting}'s port when it is free; when it is taken, 0 (any free
   * port) with one line on {@code out} if the port is the setting's default, else a failure
   * naming the setting. The demo's Prometheus and Alertmanager use their well-known ports when
   * they can, so that stock configurations (Grafana's data source) reach them.
   */
  static int preferred(Settings settings, Setting<Integer> setting, String what, PrintStream out) {
    return preferred(settings.get(setting), settings.isSet(setting), setting, what, out);
  }

  /** As {@link #preferred(Settings, Setting, String, PrintStream)}, {@code chosen}: the port was set, not defaulted. */
  static int preferred(int port, boolean chosen, Setting<Integer> setting, String what, PrintStream out) {
    if (port == 0 || isFree("127.0.0.1", port)) {
      return port;
    }
    if (chosen) {
      throw taken(setting, "127.0.0.1", port);
    }
    out.println("lambdascope: port " + port + " is in use by another program, so the demo's " + what
        + " takes a free port instead (set " + describe(setting) + " to choose one)");
    return 0;
  }

  static boolean isFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // Without SO_REUSEADDR a port in TIME_WAIT looks taken, which a server that sets it would still bind.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static PortTakenException taken(Setting<Integer> setting, String host, int port) {
    return new PortTakenException("port " + port + " on " + host + " is in use by another program: set "
        + describe(setting) + " to a free port, or 0 for any free port");
  }

  private static String describe(Setting<Integer> setting) {
    return setting.name() + " (" + setting.flag() + ")";
  }
}
