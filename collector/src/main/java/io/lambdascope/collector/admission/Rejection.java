package io.lambdascope.collector.admission;

import static java.util.Objects.requireNonNull;

/**
 * A request the collector refuses: the HTTP status, the reason label of {@code
 * lambdascope_collector_rejected_total}, and a message for the client (never a stack trace).
 */
public final class Rejection extends Exception {
  private static final long serialVersionUID = 1L;

  /** Values of the {@code reason} label; the default status of each. */
  public enum Reason {
    BAD_REQUEST("bad_request", 400),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    TOO_LARGE("too_large", 413),
    UNAUTHORIZED("unauthorized", 401),
    OVERLOADED("overloaded", 429),
    KAFKA_UNAVAILABLE("kafka_unavailable", 503);

    private final String label;
    private final int status;

    Reason(String label, int status) {
      this.label = label;
      this.status = status;
    }

    public String label() {
      return label;
    }

    public int status() {
      return status;
    }
  }

  private final Reason reason;
  private final int status;

  public Rejection(Reason reason, int status, String message) {
    // No stack trace: rejections are expected, frequent under load, and never shown.
    super(requireNonNull(message, "message"), null, false, false);
    this.reason = requireNonNull(reason, "reason");
    this.status = status;
  }

  public Rejection(Reason reason, String message) {
    this(reason, reason.status(), message);
  }

  public static Rejection badRequest(String message) {
    return new Rejection(Reason.BAD_REQUEST, message);
  }

  public Reason reason() {
    return reason;
  }

  public int status() {
    return status;
  }

  /** Seconds for {@code Retry-After} on retryable statuses, else 0. */
  public int retryAfterSeconds() {
    if (status == 429) {
      return 1;
    }
    return status == 503 ? 5 : 0;
  }
}
