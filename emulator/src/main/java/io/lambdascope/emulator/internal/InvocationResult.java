package io.lambdascope.emulator.internal;

/**
 * How an invocation ended, as the platform saw it.
 *
 * @param body the function's response, or the error document Lambda returns for errors and timeouts
 * @param errorType set when the status is not {@link Status#SUCCESS}
 */
public record InvocationResult(Status status, byte[] body, String errorType, boolean coldStart, double durationMs) {
  public enum Status {
    SUCCESS, ERROR, TIMEOUT;

    /** The value of the Telemetry API's {@code status}. */
    public String telemetryName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean failed() {
    return status != Status.SUCCESS;
  }
}
