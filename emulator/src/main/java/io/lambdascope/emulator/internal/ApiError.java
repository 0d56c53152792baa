package io.lambdascope.emulator.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** A refused Runtime, Extensions or Telemetry API call: its HTTP status and Lambda's {@code errorType}. */
final class ApiError extends Exception {
  final int status;
  final String errorType;

  ApiError(int status, String errorType, String message) {
    super(message, null, false, false);
    this.status = status;
    this.errorType = errorType;
  }

  /** 403, as the Extensions API refuses what an extension may not do. */
  static ApiError forbidden(String errorType, String message) {
    return new ApiError(403, errorType, message);
  }

  /** 400 ValidationError, as the Telemetry API refuses a subscription. */
  static ApiError validation(String message) {
    return new ApiError(400, "ValidationError", message);
  }

  byte[] body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("errorType", errorType);
    body.put("errorMessage", getMessage());
    return Json.bytes(body);
  }
}
