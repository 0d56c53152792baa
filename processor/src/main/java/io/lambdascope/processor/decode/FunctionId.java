package io.lambdascope.processor.decode;

/**
 * Who a function is, end to end: tenant (set by the collector from the bearer token), cloud
 * account, region and function name. Two functions that differ in any part never share a series or a
 * state entry. A part the telemetry did not carry is {@value #UNKNOWN}; each part is at most
 * {@value #MAX_CHARS} characters.
 */
public record FunctionId(String tenant, String account, String region, String name) {
  public static final String UNKNOWN = "unknown";
  public static final String OTHER = "other";
  public static final int MAX_CHARS = 128;

  public FunctionId {
    tenant = part(tenant);
    account = part(account);
    region = part(region);
    name = part(name);
  }

  /** Where a function past the task's bound is counted: its tenant's {@code other}. */
  public FunctionId folded() {
    return new FunctionId(tenant, OTHER, OTHER, OTHER);
  }

  /** Whether the account or the region was not told (the name and tenant always are). */
  public boolean hasUnknownPart() {
    return UNKNOWN.equals(account) || UNKNOWN.equals(region);
  }

  /** Whether {@code known} could be this function: equal where this one is told, anything where it is not. */
  public boolean couldBe(FunctionId known) {
    return tenant.equals(known.tenant) && name.equals(known.name)
        && (UNKNOWN.equals(account) || account.equals(known.account))
        && (UNKNOWN.equals(region) || region.equals(known.region));
  }

  public boolean isFolded() {
    return OTHER.equals(name) && OTHER.equals(account) && OTHER.equals(region);
  }

  /** A label value or identity part: at most {@value #MAX_CHARS} characters, {@value #UNKNOWN} when empty. */
  public static String part(String value) {
    if (value == null || value.isEmpty()) {
      return UNKNOWN;
    }
    return value.length() > MAX_CHARS ? value.substring(0, MAX_CHARS) : value;
  }

  /** Identities are mostly the one instance the decoder interned per resource: that is checked first. */
  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof FunctionId f && name.equals(f.name) && tenant.equals(f.tenant)
        && account.equals(f.account) && region.equals(f.region);
  }

  @Override
  public int hashCode() {
    return ((tenant.hashCode() * 31 + account.hashCode()) * 31 + region.hashCode()) * 31 + name.hashCode();
  }

  @Override
  public String toString() {
    return tenant + "/" + account + "/" + region + "/" + name;
  }
}
