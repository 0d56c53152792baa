package io.lambdascope.alerts.local;

import io.lambdascope.alerts.local.internal.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A real Alertmanager ({@code prometheus-alertmanager}, Debian package) on a loopback port (a
 * free one unless {@link Builder#port(int)} names it), clustering off, routing every alert to its own {@link WebhookReceiver} with short
 * group waits. Every alert gets its own group ({@code group_by: ['...']}), so each firing
 * alert arrives as a notification of its own.
 *
 * <pre>{@code
 * try (AlertmanagerServer alertmanager = AlertmanagerServer.builder().start()) {
 *   ... PrometheusServer.builder().alertmanager(alertmanager.address()) ...
 *   alertmanager.webhook().awaitFiring("LambdaFunctionTimedOut", Map.of("function", "f"), Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class AlertmanagerServer implements AutoCloseable {

  private final ServerProcess process;
  private final WebhookReceiver webhook;
  private final int port;

  private AlertmanagerServer(ServerProcess process, WebhookReceiver webhook, int port) {
    this.process = process;
    this.webhook = webhook;
    this.port = port;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code 127.0.0.1:port}, as Prometheus's {@code alertmanagers} targets want it. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public URI url() {
    return URI.create("http://" + address());
  }

  /** The receiver of every notification this Alertmanager sends. */
  public WebhookReceiver webhook() {
    return webhook;
  }

  /** Stops Alertmanager and the webhook receiver, and deletes the working directory. */
  @Override
  public void close() {
    try {
      process.close();
    } finally {
      webhook.close();
    }
  }

  /** Options; the defaults suit tests. */
  public static final class Builder {
    private Path parentDir;
    private int port;
    private Duration groupWait = Duration.ofSeconds(1);
    private Duration groupInterval = Duration.ofSeconds(1);
    private Duration repeatInterval = Duration.ofHours(1);
    private Duration startTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /** The port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** Where to create the working directory (default: the system temp directory). */
    public Builder parentDir(Path parentDir) {
      this.parentDir = Objects.requireNonNull(parentDir, "parentDir");
      return this;
    }

    /** How long a new group waits before its first notification (default 1 s). */
    public Builder groupWait(Duration groupWait) {
      this.groupWait = Objects.requireNonNull(groupWait, "groupWait");
      return this;
    }

    /** How long a group waits before notifying about changes (default 1 s). */
    public Builder groupInterval(Duration groupInterval) {
      this.groupInterval = Objects.requireNonNull(groupInterval, "groupInterval");
      return this;
    }

    /** How long before an unchanged firing group is notified again (default 1 h). */
    public Builder repeatInterval(Duration repeatInterval) {
      this.repeatInterval = Objects.requireNonNull(repeatInterval, "repeatInterval");
      return this;
    }

    /** How long to wait for {@code /-/ready} (default 30 s). */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
      return this;
    }

    /** Starts the webhook receiver, then Alertmanager, and waits until it is ready. */
    public AlertmanagerServer start() {
      String binary = ServerProcess.requireBinary("prometheus-alertmanager", "prometheus-alertmanager");
      WebhookReceiver webhook = WebhookReceiver.start();
      try {
        Path dir = parentDir == null
            ? Files.createTempDirectory("lambdascope-alertmanager-")
            : Files.createTempDirectory(parentDir, "alertmanager-");
        Files.writeString(dir.resolve("alertmanager.yml"), config(webhook.url()), StandardCharsets.UTF_8);
        int port = this.port == 0 ? ServerProcess.freePort() : this.port;
        List<String> command = List.of(binary,
            "--config.file=" + dir.resolve("alertmanager.yml"),
            "--storage.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address=",
            "--log.level=info");
        ServerProcess process = ServerProcess.start("alertmanager", command, dir,
            URI.create("http://127.0.0.1:" + port + "/-/ready"), startTimeout);
        return new AlertmanagerServer(process, webhook, port);
      } catch (IOException e) {
        webhook.close();
        throw new UncheckedIOException("cannot prepare Alertmanager's directory", e);
      } catch (RuntimeException e) {
        webhook.close();
        throw e;
      }
    }

    private String config(URI webhookUrl) {
      return String.join("\n",
          "route:",
          "  receiver: test-webhook",
          "  group_by: ['...']",
          "  group_wait: " + millis(groupWait),
          "  group_interval: " + millis(groupInterval),
          "  repeat_interval: " + millis(repeatInterval),
          "receivers:",
          "  - name: test-webhook",
          "    webhook_configs:",
          "      - url: " + webhookUrl,
          "        send_resolved: true",
          "");
    }

    private static String millis(Duration d) {
      return d.toMillis() + "ms";
    }
  }
}
