package io.lambdascope.processor.decode;

/** What the decoders make of attribute values: the function's identity, ARNs, and a few JSON figures. */
final class OtlpAttributes {
  private OtlpAttributes() {}

  /**
   * What a resource says about the function and the environment it describes. Shared by the records
   * of one resource (see {@link ResourceCache}), so the identities it makes are made once and then
   * compared by reference.
   */
  static final class ResourceFacts {
    private final String tenant;
    private final String account;
    private final String region;
    private final String name;
    private final String arn;
    private final String version;
    private final String instance;
    private final long maxMemory;
    private final String architecture;
    /** The identity when the resource alone tells it (account and region, or an ARN, on the resource). */
    private final FunctionId resourceId;
    /** The last identity made with a span's ARN: spans of one resource carry the same one. */
    private volatile ArnId lastArnId;

    private record ArnId(String arn, FunctionId id) {}

    ResourceFacts(String tenant, String account, String region, String name, String arn, String version,
        String instance, long maxMemory, String architecture) {
      this.tenant = tenant;
      this.account = account;
      this.region = region;
      this.name = name;
      this.arn = arn;
      this.version = version;
      this.instance = instance;
      this.maxMemory = maxMemory;
      this.architecture = architecture;
      this.resourceId = (account != null && region != null) || arn != null ? make(null) : null;
    }

    String name() {
      return name;
    }

    String version() {
      return version;
    }

    String instance() {
      return instance;
    }

    long maxMemory() {
      return maxMemory;
    }

    /** {@code host.arch}, or null. */
    String architecture() {
      return architecture;
    }

    /**
     * The function's identity: the account is {@code cloud.account.id}, else the account in the ARN
     * ({@code cloud.resource_id} of the resource, else {@code spanArn}); the region is {@code
     * cloud.region}, else the ARN's; the name {@code faas.name}, else {@code service.name}.
     */
    FunctionId id(String spanArn) {
      if (resourceId != null) {
        return resourceId;
      }
      ArnId last = lastArnId;
      if (last != null && last.arn().equals(spanArn)) {
        return last.id();
      }
      FunctionId id = make(spanArn);
      if (spanArn != null) {
        lastArnId = new ArnId(spanArn, id);
      }
      return id;
    }

    private FunctionId make(String spanArn) {
      String a = account;
      String r = region;
      if (a == null || r == null) {
        String[] arnParts = arnParts(arn != null ? arn : spanArn);
        if (arnParts != null) {
          a = a == null ? arnParts[4] : a;
          r = r == null ? arnParts[3] : r;
        }
      }
      return intern(new FunctionId(tenant, a, r, name));
    }
  }

  /** One instance per identity, across the environments of a function: what the registry keeps, compared by reference. */
  private static final java.util.concurrent.ConcurrentHashMap<FunctionId, FunctionId> IDS =
      new java.util.concurrent.ConcurrentHashMap<>();

  static FunctionId intern(FunctionId id) {
    if (IDS.size() > 100_000) {
      IDS.clear(); // bounded: identities are made once per resource seen, so this only costs some sharing
    }
    FunctionId known = IDS.putIfAbsent(id, id);
    return known == null ? id : known;
  }

  /** The parts of a Lambda ARN ({@code arn:aws:lambda:<region>:<account>:function:<name>}), or null. */
  static String[] arnParts(String arn) {
    if (arn == null || !arn.startsWith("arn:")) {
      return null;
    }
    String[] parts = arn.split(":", 7);
    if (parts.length < 6 || parts[3].isEmpty() || parts[4].isEmpty()) {
      return null;
    }
    return parts;
  }

  static String orDefault(String v, String dflt) {
    return v == null || v.isEmpty() ? dflt : v;
  }

  static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  /**
   * The number after {@code "key":} in a JSON text, or NaN: for the few figures of a platform event
   * the collector may not have copied into attributes (only read when the attribute is missing).
   */
  static double jsonNumber(String json, String key) {
    if (json == null) {
      return Double.NaN;
    }
    int at = json.indexOf("\"" + key + "\"");
    if (at < 0) {
      return Double.NaN;
    }
    int i = json.indexOf(':', at + key.length() + 2);
    if (i < 0) {
      return Double.NaN;
    }
    i++;
    while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
      i++;
    }
    int end = i;
    while (end < json.length() && "+-.0123456789eE".indexOf(json.charAt(end)) >= 0) {
      end++;
    }
    try {
      return end > i ? Double.parseDouble(json.substring(i, end)) : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** The string after {@code "key":} in a JSON text, or null (no escapes: the values asked for have none). */
  static String jsonString(String json, String key) {
    if (json == null) {
      return null;
    }
    int at = json.indexOf("\"" + key + "\"");
    if (at < 0) {
      return null;
    }
    int colon = json.indexOf(':', at + key.length() + 2);
    int open = colon < 0 ? -1 : json.indexOf('"', colon + 1);
    if (open < 0 || !json.substring(colon + 1, open).isBlank()) {
      return null;
    }
    int close = json.indexOf('"', open + 1);
    return close < 0 ? null : json.substring(open + 1, close);
  }
}
