package io.lambdascope.emulator;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lambdascope.settings.Units;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the functions file: a small YAML (or JSON) document in the spirit of a SAM template. The format is
 * documented in docs/emulator.md. {@code ${NAME}} in {@code jar}, {@code layers} and environment values is replaced by
 * the variable of that name (the emulator's settings plus {@code SQS_ENDPOINT} and {@code DOWNSTREAM_URL}); relative
 * jar and layer paths are resolved against the file's folder.
 */
public final class FunctionsFile {

  /** The name that selects the functions file shipped with the emulator: the four examples of the demo. */
  public static final String DEMO = "demo";

  private static final String DEMO_RESOURCE = "/io/lambdascope/emulator/demo-functions.yaml";
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.]+)}");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private FunctionsFile() {}

  /** Loads {@code pathOrDemo}: a file path, or {@link #DEMO} for the built-in demo functions. */
  public static List<FunctionDefinition> load(String pathOrDemo, Map<String, String> variables) {
    requireNonNull(pathOrDemo, "pathOrDemo");
    requireNonNull(variables, "variables");
    if (DEMO.equals(pathOrDemo)) {
      try (InputStream in = FunctionsFile.class.getResourceAsStream(DEMO_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + DEMO_RESOURCE);
        }
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), Path.of("").toAbsolutePath(), variables);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Path file = Path.of(pathOrDemo).toAbsolutePath();
    try {
      return parse(Files.readString(file), file.getParent(), variables);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read functions file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses a functions document; errors name the function and field at fault. */
  public static List<FunctionDefinition> parse(String text, Path baseDir, Map<String, String> variables) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("functions file is not valid YAML/JSON: " + e.getMessage(), e);
    }
    JsonNode functions = root == null ? null : root.get("functions");
    if (functions == null || !functions.isArray() || functions.isEmpty()) {
      throw new IllegalArgumentException("functions file needs a non-empty 'functions' list");
    }
    List<FunctionDefinition> result = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonNode f : functions) {
      FunctionDefinition definition = function(f, baseDir, variables);
      if (!names.add(definition.name())) {
        throw new IllegalArgumentException("function " + definition.name() + " is defined twice");
      }
      result.add(definition);
    }
    return List.copyOf(result);
  }

  private static FunctionDefinition function(JsonNode f, Path baseDir, Map<String, String> variables) {
    String name = text(f, "name", null, "function");
    String where = "function " + name;
    Path jar = baseDir.resolve(substitute(text(f, "jar", null, where), variables, where)).normalize();
    String handler = text(f, "handler", null, where);
    List<Path> layers = new ArrayList<>();
    JsonNode layersNode = f.path("layers");
    if (!layersNode.isMissingNode() && !layersNode.isNull() && !layersNode.isArray()) {
      throw new IllegalArgumentException(where + ": 'layers' must be a list of layer zips");
    }
    for (JsonNode layer : layersNode) {
      layers.add(baseDir.resolve(substitute(layer.asText(), variables, where + " layers")).normalize());
    }
    int memory = f.path("memory").asInt(512);
    Duration timeout = duration(f.get("timeout"), Duration.ofSeconds(3), where + " timeout");
    int reserved = f.path("reservedConcurrency").asInt(10);
    int provisioned = f.path("provisionedConcurrency").asInt(0);
    Map<String, String> environment = new LinkedHashMap<>();
    JsonNode env = f.get("environment");
    if (env != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        environment.put(e.getKey(), substitute(e.getValue().asText(), variables, where + " environment"));
      }
    }
    JsonNode a = f.path("async");
    FunctionDefinition.AsyncConfig async = new FunctionDefinition.AsyncConfig(
        a.path("maxRetries").asInt(2),
        duration(a.get("maxEventAge"), Duration.ofHours(6), where + " async.maxEventAge"),
        Optional.ofNullable(a.hasNonNull("onFailure") ? a.get("onFailure").asText() : null));
    List<FunctionDefinition.SqsTrigger> sqs = new ArrayList<>();
    for (JsonNode s : f.path("sqs")) {
      String queue = text(s, "queue", null, where + " sqs");
      sqs.add(new FunctionDefinition.SqsTrigger(
          queue,
          s.path("batchSize").asInt(10),
          duration(s.get("visibilityTimeout"), Duration.ofSeconds(30), where + " sqs visibilityTimeout"),
          s.path("maxReceiveCount").asInt(3),
          Optional.ofNullable(s.hasNonNull("deadLetterQueue") ? s.get("deadLetterQueue").asText() : null),
          s.path("reportBatchItemFailures").asBoolean(false)));
    }
    List<FunctionDefinition.Schedule> schedules = new ArrayList<>();
    int i = 0;
    for (JsonNode s : f.path("schedule")) {
      schedules.add(new FunctionDefinition.Schedule(
          s.hasNonNull("name") ? s.get("name").asText() : name + "-schedule-" + (i++),
          duration(s.get("rate"), null, where + " schedule rate")));
    }
    return new FunctionDefinition(
        name, jar, handler, layers, memory, timeout, reserved, provisioned, environment, async, sqs, schedules);
  }

  private static String text(JsonNode node, String field, String fallback, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || v.asText().isBlank()) {
      if (fallback == null) {
        throw new IllegalArgumentException(where + ": '" + field + "' is required");
      }
      return fallback;
    }
    return v.asText();
  }

  /** A duration in the settings' form ({@link Units#parseDuration}), or {@code fallback} when absent. */
  static Duration duration(JsonNode node, Duration fallback, String where) {
    if (node == null || node.isNull()) {
      if (fallback == null) {
        throw new IllegalArgumentException(where + " is required");
      }
      return fallback;
    }
    return parseDuration(node.asText(), where);
  }

  /**
   * Parses a duration as settings are written: {@code 250ms}, {@code 2s}, {@code 1m}, {@code 1h}, {@code 1d}; a bare
   * number is refused.
   *
   * @throws IllegalArgumentException starting with {@code where}, showing the text and the expected form
   */
  public static Duration parseDuration(String text, String where) {
    try {
      return Units.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static String substitute(String value, Map<String, String> variables, String where) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = variables.get(m.group(1));
      if (v == null) {
        throw new IllegalArgumentException(where + ": unknown variable ${" + m.group(1) + "}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
