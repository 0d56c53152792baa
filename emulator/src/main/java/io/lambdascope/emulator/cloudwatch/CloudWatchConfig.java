package io.lambdascope.emulator.cloudwatch;

import static java.util.Objects.requireNonNull;

import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The emulator's CloudWatch settings (docs/configuration.md, section Emulator; docs/cloudwatch.md). */
public record CloudWatchConfig(int port, Duration resolution) {
  public static final Setting<Integer> PORT =
      Setting.port("LAMBDASCOPE_CLOUDWATCH_PORT", 0, "CloudWatch API port, for the CloudWatch exporter (0 = any free port)");
  public static final Setting<Duration> RESOLUTION =
      Setting.duration("LAMBDASCOPE_CLOUDWATCH_RESOLUTION", Duration.ofMinutes(1),
          "how finely the emulator's CloudWatch keeps data points: 1m as Lambda publishes them; whole seconds, "
              + "so a demo can ask for periods as short as 1s");

  /** In the order docs/configuration.md lists them. */
  public static final List<Setting<?>> SETTINGS = List.of(PORT, RESOLUTION);

  /** How long data points are kept: the exporter lists metrics active in the last 3 hours. */
  public static final Duration RETENTION = Duration.ofHours(3);

  public CloudWatchConfig {
    PORT.check(port);
    requireNonNull(resolution, "resolution");
    if (resolution.toMillis() < 1000 || resolution.toMillis() % 1000 != 0
        || (resolution.toSeconds() > 60 ? resolution.toSeconds() % 60 != 0 : 60 % resolution.toSeconds() != 0)) {
      throw new IllegalArgumentException(RESOLUTION.name() + " must be whole seconds dividing a minute (1s, 5s, 10s, "
          + "30s, 1m) or whole minutes, got " + resolution);
    }
  }

  /** Lambda's own: any free port, one-minute data points. */
  public static CloudWatchConfig defaults() {
    return new CloudWatchConfig(PORT.defaultValue(), RESOLUTION.defaultValue());
  }

  /** Reads the settings (the emulator's settings map); unset ones take their defaults. */
  public static CloudWatchConfig fromSettings(Map<String, String> settings) {
    Settings s = Settings.of(requireNonNull(settings, "settings"));
    return new CloudWatchConfig(s.get(PORT), s.get(RESOLUTION));
  }
}
