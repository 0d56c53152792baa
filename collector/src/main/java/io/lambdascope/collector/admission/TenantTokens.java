package io.lambdascope.collector.admission;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;

/** Bearer tokens to tenants. Compares digests in constant time, so timing does not leak a token. */
public final class TenantTokens {
  /** The tenant of every request when no tokens are configured. */
  private static final String DEFAULT_TENANT = "default";

  private final byte[][] digests;
  private final String[] tenants;

  public TenantTokens(Map<String, String> tenantsByToken) {
    digests = new byte[tenantsByToken.size()][];
    tenants = new String[tenantsByToken.size()];
    int i = 0;
    for (Map.Entry<String, String> e : tenantsByToken.entrySet()) {
      digests[i] = sha256(e.getKey());
      tenants[i] = e.getValue();
      i++;
    }
  }

  public boolean enabled() {
    return tenants.length > 0;
  }

  /** The tenant of an {@code Authorization} header, {@code default} when auth is off, else null. */
  public String tenant(String authorization) {
    if (!enabled()) {
      return DEFAULT_TENANT;
    }
    if (authorization == null || authorization.length() < 7
        || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    byte[] presented = sha256(authorization.substring(7).trim());
    String found = null;
    for (int i = 0; i < digests.length; i++) {
      if (MessageDigest.isEqual(digests[i], presented)) {
        found = tenants[i];
      }
    }
    return found;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
