package io.lambdascope.processor.http;

import io.lambdascope.httpguard.TenantTokens;
import java.util.Map;

/**
 * Who may read what on the HTTP port. With tokens configured, every request but the health checks
 * needs a bearer token: a tenant's token reads that tenant's invocations and findings; an operator
 * token (tenant {@code *}) reads every tenant's, and {@code /metrics}, which names every tenant's
 * functions. Without tokens (loopback, or explicitly allowed beyond it) everyone is an operator.
 */
final class ApiAccess {
  /** The tenant that stands for operators in the token pairs. */
  static final String OPERATOR = "*";

  /** Who made a request. {@code tenant} is null for an operator. */
  record Caller(String tenant) {
    static final Caller OPERATOR_CALLER = new Caller(null);

    boolean operator() {
      return tenant == null;
    }

    /** Whether this caller may see data of {@code dataTenant} (null: not known to be anyone's). */
    boolean sees(String dataTenant) {
      return tenant == null || tenant.equals(dataTenant);
    }
  }

  private final TenantTokens tokens;

  ApiAccess(Map<String, String> tenantsByToken) {
    this.tokens = new TenantTokens(tenantsByToken);
  }

  boolean enabled() {
    return tokens.enabled();
  }

  /** The caller of an {@code Authorization} header; null when tokens are configured and it names none. */
  Caller caller(String authorization) {
    if (!tokens.enabled()) {
      return Caller.OPERATOR_CALLER;
    }
    String tenant = tokens.tenant(authorization);
    if (tenant == null) {
      return null;
    }
    return OPERATOR.equals(tenant) ? Caller.OPERATOR_CALLER : new Caller(tenant);
  }
}
