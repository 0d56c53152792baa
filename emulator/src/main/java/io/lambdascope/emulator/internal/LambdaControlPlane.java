package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import io.lambdascope.emulator.FunctionDefinition;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read side of Lambda's control plane for the emulator's functions, in the REST-JSON form the AWS SDK v2
 * {@code LambdaClient} expects: GetFunctionConfiguration, GetFunctionConcurrency, ListEventSourceMappings,
 * GetAccountSettings, ListProvisionedConcurrencyConfigs and GetProvisionedConcurrencyConfig; and STS
 * GetCallerIdentity (Query protocol), so a reader that checks whose account its credentials are runs unchanged
 * against the emulator. Everything comes from the functions file; the account is {@value #ACCOUNT}.
 */
public final class LambdaControlPlane {
  public static final String ACCOUNT = "000000000000";
  /** Lambda's default concurrency quota of an account in a region. */
  public static final int ACCOUNT_CONCURRENCY_LIMIT = 1000;
  /** The alias provisioned concurrency is reported on: the emulator has no versions or aliases of its own. */
  public static final String PROVISIONED_ALIAS = "live";

  private static final Pattern CONFIGURATION = Pattern.compile("/2015-03-31/functions/([^/]+)/configuration/?");
  private static final Pattern CONCURRENCY = Pattern.compile("/2019-09-30/functions/([^/]+)/concurrency/?");
  private static final Pattern PROVISIONED = Pattern.compile("/2019-09-30/functions/([^/]+)/provisioned-concurrency/?");
  private static final Pattern MAPPINGS = Pattern.compile("/2015-03-31/event-source-mappings/?");
  private static final Pattern ACCOUNT_SETTINGS = Pattern.compile("/2016-08-19/account-settings/?");
  private static final String STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")
      .withZone(ZoneOffset.UTC).format(Instant.now());

  /** An answer: status, body, and the error type header of a refusal (null on success). */
  public record Answer(int status, byte[] body, String contentType, String errorType) {}

  private final Map<String, FunctionDefinition> functions = new LinkedHashMap<>();
  private final String region;
  private final long startedEpochSeconds = Instant.now().getEpochSecond();

  public LambdaControlPlane(List<FunctionDefinition> definitions, String region) {
    requireNonNull(definitions, "definitions").forEach(d -> functions.put(d.name(), d));
    this.region = requireNonNull(region, "region");
  }

  /** Whether a GET of this path is one of the control-plane reads (else it is not this class's). */
  public static boolean handles(String path) {
    return CONFIGURATION.matcher(path).matches() || CONCURRENCY.matcher(path).matches()
        || PROVISIONED.matcher(path).matches() || MAPPINGS.matcher(path).matches()
        || ACCOUNT_SETTINGS.matcher(path).matches();
  }

  /** Answers a GET of {@code rawPath} with {@code rawQuery} (either may hold percent-escapes). */
  public Answer get(String rawPath, String rawQuery) {
    Map<String, String> query = query(rawQuery);
    Matcher m;
    if ((m = CONFIGURATION.matcher(rawPath)).matches()) {
      FunctionDefinition d = function(m.group(1));
      return d == null ? notFound(m.group(1)) : ok(configuration(d));
    }
    if ((m = CONCURRENCY.matcher(rawPath)).matches()) {
      FunctionDefinition d = function(m.group(1));
      return d == null ? notFound(m.group(1)) : ok(Map.of("ReservedConcurrentExecutions", d.reservedConcurrency()));
    }
    if ((m = PROVISIONED.matcher(rawPath)).matches()) {
      FunctionDefinition d = function(m.group(1));
      if (d == null) {
        return notFound(m.group(1));
      }
      if ("ALL".equals(query.get("List"))) {
        List<Object> configs = d.provisionedConcurrency() > 0 ? List.of(provisioned(d)) : List.of();
        return ok(Map.of("ProvisionedConcurrencyConfigs", configs));
      }
      String qualifier = query.get("Qualifier");
      if (d.provisionedConcurrency() > 0 && PROVISIONED_ALIAS.equals(qualifier)) {
        Map<String, Object> config = provisioned(d);
        config.remove("FunctionArn");
        return ok(config);
      }
      return error(404, "ProvisionedConcurrencyConfigNotFoundException",
          "No Provisioned Concurrency Config found for this function");
    }
    if (MAPPINGS.matcher(rawPath).matches()) {
      String name = query.get("FunctionName");
      List<Object> mappings = new ArrayList<>();
      for (FunctionDefinition d : functions.values()) {
        if (name == null || d.name().equals(InvokeApiServer.functionName(name))) {
          for (FunctionDefinition.SqsTrigger t : d.sqsTriggers()) {
            mappings.add(mapping(d, t));
          }
        }
      }
      return ok(Map.of("EventSourceMappings", mappings));
    }
    if (ACCOUNT_SETTINGS.matcher(rawPath).matches()) {
      int reserved = functions.values().stream().mapToInt(FunctionDefinition::reservedConcurrency).sum();
      Map<String, Object> limit = new LinkedHashMap<>();
      limit.put("TotalCodeSize", 80_530_636_800L);
      limit.put("CodeSizeUnzipped", 262_144_000L);
      limit.put("CodeSizeZipped", 52_428_800L);
      limit.put("ConcurrentExecutions", ACCOUNT_CONCURRENCY_LIMIT);
      limit.put("UnreservedConcurrentExecutions", Math.max(0, ACCOUNT_CONCURRENCY_LIMIT - reserved));
      return ok(Map.of("AccountLimit", limit,
          "AccountUsage", Map.of("TotalCodeSize", 0L, "FunctionCount", (long) functions.size())));
    }
    return error(404, "UnknownOperationException", "Unknown operation GET " + rawPath);
  }

  /** STS GetCallerIdentity, for a form-encoded {@code POST /}; null when the body is another action. */
  public static Answer sts(String form) {
    Map<String, String> params = query(form);
    if (!"GetCallerIdentity".equals(params.get("Action"))) {
      return null;
    }
    String xml = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        + "<GetCallerIdentityResult><Arn>arn:aws:iam::" + ACCOUNT + ":root</Arn><UserId>" + ACCOUNT + "</UserId>"
        + "<Account>" + ACCOUNT + "</Account></GetCallerIdentityResult>"
        + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
        + "</GetCallerIdentityResponse>";
    return new Answer(200, xml.getBytes(StandardCharsets.UTF_8), "text/xml", null);
  }

  private FunctionDefinition function(String rawNameOrArn) {
    String nameOrArn = URLDecoder.decode(rawNameOrArn, StandardCharsets.UTF_8);
    if (nameOrArn.startsWith("arn:")) {
      String[] p = nameOrArn.split(":");
      if (p.length < 7 || !p[3].equals(region) || !p[4].equals(ACCOUNT)) {
        return null; // another region's or account's function: not this endpoint's
      }
    }
    return functions.get(InvokeApiServer.functionName(nameOrArn));
  }

  private String arn(FunctionDefinition d) {
    return "arn:aws:lambda:" + region + ":" + ACCOUNT + ":function:" + d.name();
  }

  private Map<String, Object> configuration(FunctionDefinition d) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("FunctionName", d.name());
    c.put("FunctionArn", arn(d));
    c.put("Runtime", "java17");
    c.put("Role", "arn:aws:iam::" + ACCOUNT + ":role/" + d.name());
    c.put("Handler", d.handler());
    c.put("CodeSize", 0);
    // Lambda's timeout is whole seconds; a functions file may say 1500ms, which runs as written here.
    c.put("Timeout", (int) Math.max(1, (d.timeout().toMillis() + 999) / 1000));
    c.put("MemorySize", d.memoryMb());
    c.put("LastModified", STARTED);
    c.put("Version", "$LATEST");
    c.put("State", "Active");
    c.put("LastUpdateStatus", "Successful");
    c.put("PackageType", "Zip");
    c.put("Architectures", List.of("x86_64"));
    c.put("EphemeralStorage", Map.of("Size", 512));
    return c;
  }

  private Map<String, Object> provisioned(FunctionDefinition d) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("FunctionArn", arn(d) + ":" + PROVISIONED_ALIAS);
    c.put("RequestedProvisionedConcurrentExecutions", d.provisionedConcurrency());
    c.put("AvailableProvisionedConcurrentExecutions", d.provisionedConcurrency());
    c.put("AllocatedProvisionedConcurrentExecutions", d.provisionedConcurrency());
    c.put("Status", "READY");
    c.put("LastModified", STARTED);
    return c;
  }

  private Map<String, Object> mapping(FunctionDefinition d, FunctionDefinition.SqsTrigger t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("UUID", UUID.nameUUIDFromBytes((d.name() + "/" + t.queue()).getBytes(StandardCharsets.UTF_8)).toString());
    m.put("BatchSize", t.batchSize());
    m.put("MaximumBatchingWindowInSeconds", 0);
    m.put("EventSourceArn", "arn:aws:sqs:" + region + ":" + ACCOUNT + ":" + t.queue());
    m.put("FunctionArn", arn(d));
    m.put("LastModified", startedEpochSeconds);
    m.put("State", "Enabled");
    m.put("StateTransitionReason", "USER_INITIATED");
    m.put("FunctionResponseTypes", t.reportBatchItemFailures() ? List.of("ReportBatchItemFailures") : List.of());
    return m;
  }

  private static Answer ok(Object body) {
    return new Answer(200, Json.bytes(body), "application/json", null);
  }

  private Answer notFound(String rawNameOrArn) {
    String name = URLDecoder.decode(rawNameOrArn, StandardCharsets.UTF_8);
    return error(404, "ResourceNotFoundException", "Function not found: "
        + (name.startsWith("arn:") ? name : "arn:aws:lambda:" + region + ":" + ACCOUNT + ":function:" + name));
  }

  static Answer error(int status, String type, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("Type", "User");
    body.put("message", message);
    return new Answer(status, Json.bytes(body), "application/json", type);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }
}
