package io.lambdascope.collector.admission;

import static java.util.Objects.requireNonNull;

import io.lambdascope.httpguard.TenantTokens;

/**
 * Lets a request in or refuses it, in this order: the collector is shutting down (503), the bearer
 * token names no tenant (401), the body is larger than allowed (413), the in-flight requests or
 * bytes are at their bound (429). What it admits holds a {@link Reservation} until Kafka answered.
 */
public final class Admission {
  private final TenantTokens tokens;
  private final InflightBudget budget;
  private final long maxRequestBytes;
  private volatile boolean closing;

  public Admission(TenantTokens tokens, InflightBudget budget, long maxRequestBytes) {
    this.tokens = requireNonNull(tokens, "tokens");
    this.budget = requireNonNull(budget, "budget");
    this.maxRequestBytes = maxRequestBytes;
  }

  /** From now on new requests are refused with 503; those already admitted go on. */
  public void startClosing() {
    closing = true;
  }

  public boolean closing() {
    return closing;
  }

  /** Refuses with 503 once the collector is shutting down. */
  public void checkOpen() throws Rejection {
    if (closing) {
      throw new Rejection(Rejection.Reason.OVERLOADED, 503, "the collector is shutting down");
    }
  }

  /** The tenant of an {@code Authorization} header; 401 when tokens are configured and it names none. */
  public String tenant(String authorization) throws Rejection {
    String tenant = tokens.tenant(authorization);
    if (tenant == null) {
      throw new Rejection(Rejection.Reason.UNAUTHORIZED, "missing or unknown bearer token");
    }
    return tenant;
  }

  /**
   * A share of the in-flight budget for a request that declares {@code declaredBytes} of body (-1
   * when it does not say).
   */
  public Reservation admit(long declaredBytes) throws Rejection {
    checkSize(declaredBytes);
    if (!budget.tryEnter()) {
      throw new Rejection(Rejection.Reason.OVERLOADED, "too many requests in flight");
    }
    Reservation reservation = new Reservation(budget);
    if (declaredBytes > 0) {
      try {
        reservation.grow(declaredBytes);
      } catch (Rejection e) {
        reservation.release();
        throw e;
      }
    }
    return reservation;
  }

  /** Refuses with 413 a body larger than the limit, as declared or as read so far. */
  public void checkSize(long bodyBytes) throws Rejection {
    if (bodyBytes > maxRequestBytes) {
      throw new Rejection(Rejection.Reason.TOO_LARGE, "body exceeds " + maxRequestBytes + " bytes");
    }
  }

  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /** Requests admitted and not yet answered for by Kafka. */
  public int requestsInFlight() {
    return budget.requests();
  }
}
