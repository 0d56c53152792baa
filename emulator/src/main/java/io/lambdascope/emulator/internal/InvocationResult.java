package io.lambdascope.emulator.internal;

import java.util.Map;

/**
 * How an invocation ended for its caller, as the platform saw it.
 *
 * @param body the function's response, or the error document Lambda returns for errors and timeouts
 * @param errorType set when the status is not {@link Status#SUCCESS}
 */
public record InvocationResult(Status status, byte[] body, String errorType) {
  public enum Status { SUCCESS, ERROR, TIMEOUT }

  /** An invocation that failed before any function code ran. */
  static InvocationResult failed(String errorType, String message) {
    return new InvocationResult(Status.ERROR, Json.bytes(Map.of("errorType", errorType, "errorMessage", message)),
        errorType);
  }

  public boolean failed() {
    return status != Status.SUCCESS;
  }
}
