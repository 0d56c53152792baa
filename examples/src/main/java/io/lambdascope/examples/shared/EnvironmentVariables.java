package io.lambdascope.examples.shared;

/** Reads a function's configuration from its environment variables, with defaults. */
public final class EnvironmentVariables {
  private EnvironmentVariables() {}

  public static String string(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  public static long number(String name, long fallback) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException("environment variable " + name + " is not a number: " + v, e);
    }
  }
}
