package io.lambdascope.alerts.local;

import io.lambdascope.alerts.AlertRules;
import io.lambdascope.alerts.RuleTimeScale;
import io.lambdascope.alerts.local.internal.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A real Prometheus ({@code prometheus}, Debian package) on a loopback port (a free one unless
 * {@link Builder#port(int)} names it), in a temporary
 * directory it deletes on {@link #close()}: 1 s scrape and evaluation intervals,
 * {@code --rules.alert.resend-delay=1s} (otherwise the first alert is lost to Alertmanager's
 * discovery and re-sent only after a minute), the given scrape targets and rule files.
 *
 * <p>The project's rules are written for minutes; {@link Builder#projectRules(RuleTimeScale)}
 * with {@link RuleTimeScale#MINUTES_TO_SECONDS} turns {@code for: 5m} into {@code for: 5s} and
 * {@code [10m]} into {@code [10s]}, so an end-to-end test sees them fire within seconds.
 *
 * <pre>{@code
 * try (AlertmanagerServer alertmanager = AlertmanagerServer.builder().start();
 *      PrometheusServer prometheus = PrometheusServer.builder()
 *          .projectRules(RuleTimeScale.MINUTES_TO_SECONDS)
 *          .scrape("lambdascope-processor", "127.0.0.1:" + processorPort)
 *          .alertmanager(alertmanager.address())
 *          .start()) {
 *   prometheus.awaitQuery("up{job=\"lambdascope-processor\"} == 1", r -> !r.isEmpty(), Duration.ofSeconds(30));
 *   List<Sample> timeouts = prometheus.query("sum by (function) (faas_timeouts_total)");
 * }
 * }</pre>
 */
public final class PrometheusServer implements AutoCloseable {

  private final ServerProcess process;
  private final int port;
  private final PrometheusApi api;

  private PrometheusServer(ServerProcess process, int port) {
    this.process = process;
    this.port = port;
    this.api = PrometheusApi.at(URI.create("http://127.0.0.1:" + port));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public URI url() {
    return URI.create("http://" + address());
  }

  /** Its HTTP API: queries and alerts. */
  public PrometheusApi api() {
    return api;
  }

  /** As {@link PrometheusApi#query(String)}. */
  public List<Sample> query(String promql) {
    return api.query(promql);
  }

  /** As {@link PrometheusApi#awaitQuery(String, Predicate, Duration)}. */
  public List<Sample> awaitQuery(String promql, Predicate<List<Sample>> condition, Duration timeout) {
    return api.awaitQuery(promql, condition, timeout);
  }

  /** Waits until every configured scrape target has been scraped successfully ({@code up == 1}). */
  public void awaitTargetsUp(Duration timeout) {
    awaitQuery("up", r -> !r.isEmpty() && r.stream().allMatch(sm -> sm.value() == 1), timeout);
  }

  /** As {@link PrometheusApi#alerts()}. */
  public List<ReceivedAlert> alerts() {
    return api.alerts();
  }

  /** The last lines Prometheus logged (rule evaluation and notification errors show up here). */
  public String logTail() {
    return process.logTail();
  }

  /** Stops Prometheus and deletes its directory (configuration, rules, TSDB). */
  @Override
  public void close() {
    process.close();
  }

  /** One static scrape job: its targets share one metrics path and the labels Prometheus adds to their series. */
  private record ScrapeJob(String metricsPath, Map<String, String> labels, List<String> targets) {}

  /** Options; the defaults suit tests. */
  public static final class Builder {
    private Path parentDir;
    private int port;
    private RuleTimeScale projectRulesScale;
    private final List<Path> ruleFiles = new ArrayList<>();
    private final Map<String, ScrapeJob> scrapeJobs = new LinkedHashMap<>();
    private final List<String> alertmanagers = new ArrayList<>();
    private Duration scrapeInterval = Duration.ofSeconds(1);
    private Duration evaluationInterval = Duration.ofSeconds(1);
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

    /** Loads the project's rule files ({@link AlertRules}), their durations scaled by {@code timeScale}. */
    public Builder projectRules(RuleTimeScale timeScale) {
      this.projectRulesScale = Objects.requireNonNull(timeScale, "timeScale");
      return this;
    }

    /** Loads one more rule file (copied into the working directory as it is). */
    public Builder ruleFile(Path ruleFile) {
      ruleFiles.add(Objects.requireNonNull(ruleFile, "ruleFile"));
      return this;
    }

    /** Scrapes {@code http://target/metrics} as job {@code job}; name Lambdascope jobs {@code lambdascope-*}. */
    public Builder scrape(String job, String target) {
      return scrape(job, target, "/metrics");
    }

    /** Scrapes {@code http://target<metricsPath>} as job {@code job}; a job's targets share one path. */
    public Builder scrape(String job, String target, String metricsPath) {
      return scrape(job, target, metricsPath, Map.of());
    }

    /**
     * Scrapes {@code http://target<metricsPath>} as job {@code job}, adding {@code labels} to every series (as a
     * static_config's labels do: the CloudWatch exporter's account, region and tenant); a job's targets share one
     * path and labels.
     */
    public Builder scrape(String job, String target, String metricsPath, Map<String, String> labels) {
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(metricsPath, "metricsPath");
      Map<String, String> copy = new LinkedHashMap<>(Objects.requireNonNull(labels, "labels"));
      ScrapeJob existing = scrapeJobs.computeIfAbsent(job, j -> new ScrapeJob(metricsPath, copy, new ArrayList<>()));
      if (!existing.metricsPath().equals(metricsPath) || !existing.labels().equals(copy)) {
        throw new IllegalArgumentException("job " + job + " already scrapes " + existing.metricsPath() + " with labels "
            + existing.labels() + ", not " + metricsPath + " with " + copy);
      }
      existing.targets().add(target);
      return this;
    }

    /** Sends alerts to the Alertmanager at {@code address} ({@code host:port}). */
    public Builder alertmanager(String address) {
      alertmanagers.add(Objects.requireNonNull(address, "address"));
      return this;
    }

    /** Default 1 s. */
    public Builder scrapeInterval(Duration scrapeInterval) {
      this.scrapeInterval = Objects.requireNonNull(scrapeInterval, "scrapeInterval");
      return this;
    }

    /** Default 1 s. */
    public Builder evaluationInterval(Duration evaluationInterval) {
      this.evaluationInterval = Objects.requireNonNull(evaluationInterval, "evaluationInterval");
      return this;
    }

    /** How long to wait for {@code /-/ready} (default 30 s). */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
      return this;
    }

    /** Writes the configuration and rules, starts Prometheus and waits until it is ready. */
    public PrometheusServer start() {
      String binary = ServerProcess.requireBinary("prometheus", "prometheus");
      Path dir;
      try {
        dir = parentDir == null
            ? Files.createTempDirectory("lambdascope-prometheus-")
            : Files.createTempDirectory(parentDir, "prometheus-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create Prometheus's directory", e);
      }
      try {
        Path rulesDir = dir.resolve("rules");
        List<Path> rules = new ArrayList<>();
        if (projectRulesScale != null) {
          rules.addAll(AlertRules.copyTo(rulesDir, projectRulesScale));
        }
        Files.createDirectories(rulesDir);
        for (Path extra : ruleFiles) {
          Path copy = rulesDir.resolve("extra-" + rules.size() + "-" + extra.getFileName());
          Files.copy(extra, copy);
          rules.add(copy);
        }
        Files.writeString(dir.resolve("prometheus.yml"), config(rules), StandardCharsets.UTF_8);
      } catch (IOException e) {
        ServerProcess.deleteRecursively(dir);
        throw new UncheckedIOException("cannot write Prometheus's configuration", e);
      }
      int port = this.port == 0 ? ServerProcess.freePort() : this.port;
      List<String> command = List.of(binary,
          "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port,
          "--rules.alert.resend-delay=1s",
          "--log.level=info");
      ServerProcess process = ServerProcess.start("prometheus", command, dir,
          URI.create("http://127.0.0.1:" + port + "/-/ready"), startTimeout);
      return new PrometheusServer(process, port);
    }

    private String config(List<Path> rules) {
      StringBuilder yaml = new StringBuilder()
          .append("global:\n")
          .append("  scrape_interval: ").append(scrapeInterval.toMillis()).append("ms\n")
          // The timeout may not exceed the interval (Prometheus refuses the configuration).
          .append("  scrape_timeout: ").append(scrapeInterval.toMillis()).append("ms\n")
          .append("  evaluation_interval: ").append(evaluationInterval.toMillis()).append("ms\n")
          .append("rule_files:\n");
      rules.forEach(r -> yaml.append("  - '").append(r).append("'\n"));
      yaml.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [");
      yaml.append(quoted(alertmanagers)).append("]\n");
      yaml.append("scrape_configs:\n");
      scrapeJobs.forEach((name, job) -> yaml
          .append("  - job_name: '").append(name).append("'\n")
          .append("    metrics_path: '").append(job.metricsPath()).append("'\n")
          .append("    static_configs:\n")
          .append("      - targets: [").append(quoted(job.targets())).append("]\n")
          .append(labels(job.labels())));
      return yaml.toString();
    }

    private static String labels(Map<String, String> labels) {
      StringBuilder yaml = new StringBuilder();
      if (!labels.isEmpty()) {
        yaml.append("        labels:\n");
        labels.forEach((k, v) -> yaml.append("          ").append(k).append(": '").append(v).append("'\n"));
      }
      return yaml.toString();
    }

    private static String quoted(List<String> values) {
      return String.join(", ", values.stream().map(v -> "'" + v + "'").toList());
    }
  }
}
