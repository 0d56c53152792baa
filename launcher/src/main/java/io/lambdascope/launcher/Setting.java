package io.lambdascope.launcher;

import java.util.Locale;

/**
 * One configuration setting: its environment variable, the flag that overrides it, and what it
 * does. The parts read settings by their environment-variable name; docs/configuration.md lists them
 * all.
 */
record Setting(String env, String flag, String defaultText, String description) {

  /** The flag follows from the name: {@code LAMBDASCOPE_OTLP_PORT} is {@code --otlp-port}. */
  Setting(String env, String defaultText, String description) {
    this(env, flagOf(env), defaultText, description);
  }

  private static String flagOf(String env) {
    String name = env.startsWith("LAMBDASCOPE_") ? env.substring("LAMBDASCOPE_".length()) : env;
    return "--" + name.toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
