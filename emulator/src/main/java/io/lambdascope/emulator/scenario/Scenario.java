package io.lambdascope.emulator.scenario;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lambdascope.emulator.FunctionsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A load scenario: named phases, each with a duration, an optional latency of the stand-in downstream service, and
 * traffic streams at fixed rates through the real invoke paths. Format in docs/emulator.md.
 */
public record Scenario(String name, String description, List<Phase> phases) {
  /** Scenarios shipped with the emulator. */
  public static final List<String> BUILT_IN = List.of("default", "smoke");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public Scenario {
    requireNonNull(name, "name");
    requireNonNull(description, "description");
    phases = List.copyOf(requireNonNull(phases, "phases"));
    if (phases.isEmpty()) {
      throw new IllegalArgumentException("scenario " + name + " has no phases");
    }
  }

  /** How traffic reaches a function. */
  public enum Via {
    /** Invoke API, RequestResponse. */
    SYNC,
    /** Invoke API, Event. */
    ASYNC,
    /** SendMessage to a queue that triggers the function. */
    SQS
  }

  /**
   * One stream of requests.
   *
   * @param target a function name (sync, async) or a queue name (sqs)
   * @param ratePerSecond requests started per second
   * @param concurrency most requests in flight at once (sync); beyond it the stream skips a beat
   * @param payload a built-in payload generator's name (api-order, api-get, order, s3-upload, empty) or literal JSON
   */
  public record Traffic(Via via, String target, double ratePerSecond, int concurrency, String payload) {
    public Traffic {
      requireNonNull(via, "via");
      requireNonNull(target, "target");
      requireNonNull(payload, "payload");
      if (!(ratePerSecond > 0) || ratePerSecond > 1000) {
        throw new IllegalArgumentException(target + ": rate must be in (0, 1000] per second");
      }
      if (concurrency < 1) {
        throw new IllegalArgumentException(target + ": concurrency must be >= 1");
      }
    }
  }

  /** One phase; {@code downstreamLatency}, when present, is set as the phase starts. */
  public record Phase(String name, Duration duration, Optional<Duration> downstreamLatency, List<Traffic> traffic) {
    public Phase {
      requireNonNull(name, "name");
      requireNonNull(duration, "duration");
      requireNonNull(downstreamLatency, "downstreamLatency");
      traffic = List.copyOf(requireNonNull(traffic, "traffic"));
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("phase " + name + ": duration must be positive");
      }
    }
  }

  public Duration totalDuration() {
    Duration total = Duration.ZERO;
    for (Phase p : phases) {
      total = total.plus(p.duration());
    }
    return total;
  }

  /** The same scenario with every phase scaled so that the whole lasts {@code total}. */
  public Scenario withTotalDuration(Duration total) {
    requireNonNull(total, "total");
    if (total.isNegative() || total.isZero()) {
      throw new IllegalArgumentException("total duration must be positive");
    }
    double factor = (double) total.toMillis() / totalDuration().toMillis();
    List<Phase> scaled = new ArrayList<>();
    for (Phase p : phases) {
      scaled.add(new Phase(p.name(), Duration.ofMillis(Math.max(1, Math.round(p.duration().toMillis() * factor))),
          p.downstreamLatency(), p.traffic()));
    }
    return new Scenario(name, description, scaled);
  }

  /** A built-in scenario by name ({@link #BUILT_IN}), or a scenario file by path. */
  public static Scenario load(String nameOrPath) {
    requireNonNull(nameOrPath, "nameOrPath");
    Path file = Path.of(nameOrPath);
    if (Files.isRegularFile(file)) {
      try {
        return parse(Files.readString(file));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read scenario " + file + ": " + e.getMessage(), e);
      }
    }
    try (InputStream in = Scenario.class.getResourceAsStream(nameOrPath + ".yaml")) {
      if (in == null || nameOrPath.contains("/")) {
        throw new IllegalArgumentException("no scenario file " + nameOrPath + " and no built-in scenario of that name"
            + " (built-in: " + String.join(", ", BUILT_IN) + ")");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a scenario document. */
  public static Scenario parse(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("scenario is not valid YAML/JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.path("phases").isArray()) {
      throw new IllegalArgumentException("a scenario needs a 'phases' list");
    }
    String name = root.path("name").asText("scenario");
    List<Phase> phases = new ArrayList<>();
    for (JsonNode p : root.path("phases")) {
      String phase = p.path("name").asText("phase-" + (phases.size() + 1));
      if (!p.hasNonNull("duration")) {
        throw new IllegalArgumentException("phase " + phase + ": 'duration' is required");
      }
      Duration duration = FunctionsFile.parseDuration(p.get("duration").asText(), "phase " + phase + " duration");
      Optional<Duration> latency = p.hasNonNull("downstreamLatency")
          ? Optional.of(FunctionsFile.parseDuration(p.get("downstreamLatency").asText(), phase + " downstreamLatency"))
          : Optional.empty();
      List<Traffic> traffic = new ArrayList<>();
      for (JsonNode t : p.path("traffic")) {
        traffic.add(traffic(t, phase));
      }
      phases.add(new Phase(phase, duration, latency, traffic));
    }
    return new Scenario(name, root.path("description").asText(""), phases);
  }

  private static Traffic traffic(JsonNode t, String phase) {
    String viaText = t.path("via").asText("sync");
    Via via;
    try {
      via = Via.valueOf(viaText.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("phase " + phase + ": via must be sync, async or sqs, was " + viaText);
    }
    String target = via == Via.SQS ? t.path("queue").asText(null) : t.path("function").asText(null);
    if (target == null) {
      throw new IllegalArgumentException("phase " + phase + ": traffic via " + viaText + " needs '"
          + (via == Via.SQS ? "queue" : "function") + "'");
    }
    JsonNode payload = t.get("payload");
    String payloadText = payload == null ? "empty" : payload.isTextual() ? payload.asText() : payload.toString();
    return new Traffic(via, target, t.path("rate").asDouble(1), t.path("concurrency").asInt(4), payloadText);
  }
}
