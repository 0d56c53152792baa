package io.lambdascope.emulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The one JSON mapper of the emulator, and the timestamp format of AWS events. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  public static String string(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** True when {@code body} is one JSON value (what Lambda requires of an invocation payload). */
  public static boolean isJson(byte[] body) {
    try {
      MAPPER.readTree(body);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Milliseconds, UTC, as the Telemetry API and event sources write time: 2022-10-12T00:00:15.064Z. */
  public static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
