package io.lambdascope.collector.receiver.telemetryapi;

import static java.util.Objects.requireNonNull;

import io.lambdascope.collector.admission.Rejection;
import io.lambdascope.collector.signal.KeyValues;
import io.opentelemetry.proto.resource.v1.Resource;
import io.vertx.core.http.HttpServerRequest;

/**
 * Which function a batch of platform events belongs to, from the headers the sender sets (the
 * Telemetry API events do not say): the name is required, the rest optional. Together with the
 * tenant these identify a function end to end: tenant, account, region, name.
 *
 * @param name {@code faas.name} and {@code service.name}
 * @param version {@code faas.version}, or null
 * @param account {@code cloud.account.id}, or null
 * @param region {@code cloud.region}, or null
 * @param instance {@code faas.instance} (the execution environment), or null
 */
public record FunctionIdentity(String name, String version, String account, String region, String instance) {
  public static final String FUNCTION_HEADER = "X-Lambdascope-Function";
  public static final String VERSION_HEADER = "X-Lambdascope-Function-Version";
  public static final String ACCOUNT_HEADER = "X-Lambdascope-Account";
  public static final String REGION_HEADER = "X-Lambdascope-Region";
  public static final String INSTANCE_HEADER = "X-Lambdascope-Instance";
  /** The longest value of any of the headers. */
  static final int MAX_LENGTH = 256;

  /** Values are trimmed; a blank optional one counts as absent. */
  public FunctionIdentity {
    name = requireNonNull(name, "name").trim();
    version = blankToNull(version);
    account = blankToNull(account);
    region = blankToNull(region);
    instance = blankToNull(instance);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** A function known by its name only. */
  public static FunctionIdentity named(String name) {
    return new FunctionIdentity(name, null, null, null, null);
  }

  /**
   * Reads the headers of a request.
   *
   * @throws Rejection 400 naming the header when the function header is missing or blank, or any
   *     header is longer than {@value #MAX_LENGTH} characters
   */
  static FunctionIdentity of(HttpServerRequest request) throws Rejection {
    String name = optional(request, FUNCTION_HEADER);
    if (name == null) {
      throw Rejection.badRequest(FUNCTION_HEADER + " must name the function (at most " + MAX_LENGTH + " characters)");
    }
    return new FunctionIdentity(name, optional(request, VERSION_HEADER), optional(request, ACCOUNT_HEADER),
        optional(request, REGION_HEADER), optional(request, INSTANCE_HEADER));
  }

  private static String optional(HttpServerRequest request, String header) throws Rejection {
    String value = request.getHeader(header);
    if (value != null && value.length() > MAX_LENGTH) {
      throw Rejection.badRequest(header + " is longer than " + MAX_LENGTH + " characters");
    }
    return blankToNull(value);
  }

  /** The resource of the batch's log records (docs/telemetry.md section 2). */
  Resource resource() {
    Resource.Builder r = Resource.newBuilder()
        .addAttributes(KeyValues.string("faas.name", name))
        .addAttributes(KeyValues.string("service.name", name));
    add(r, "faas.version", version);
    add(r, "cloud.account.id", account);
    add(r, "cloud.region", region);
    add(r, "faas.instance", instance);
    return r.addAttributes(KeyValues.string("cloud.provider", "aws"))
        .addAttributes(KeyValues.string("cloud.platform", "aws_lambda"))
        .build();
  }

  private static void add(Resource.Builder r, String key, String value) {
    if (value != null) {
      r.addAttributes(KeyValues.string(key, value));
    }
  }
}
