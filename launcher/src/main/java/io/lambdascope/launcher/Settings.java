package io.lambdascope.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective settings of one launcher run: the environment, overridden by flags. Flags are
 * {@code --name value} or {@code --name=value}; each names a {@link Setting} the subcommand knows.
 */
final class Settings {
  private final Map<String, String> values;
  private final List<String> arguments;

  private Settings(Map<String, String> values, List<String> arguments) {
    this.values = values;
    this.arguments = arguments;
  }

  /**
   * Parses {@code args} against the settings {@code known}; anything else that starts with
   * {@code --} is an error, the rest are positional arguments.
   */
  static Settings parse(Map<String, String> env, List<Setting> known, List<String> args) {
    Map<String, String> values = new LinkedHashMap<>(env);
    Map<String, Setting> byFlag = new LinkedHashMap<>();
    for (Setting s : known) {
      byFlag.put(s.flag(), s);
    }
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        positional.add(arg);
        continue;
      }
      int eq = arg.indexOf('=');
      String flag = eq < 0 ? arg : arg.substring(0, eq);
      Setting setting = byFlag.get(flag);
      if (setting == null) {
        throw new UsageException("unknown option " + flag);
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new UsageException("option " + flag + " needs a value");
      }
      values.put(setting.env(), value);
    }
    return new Settings(values, List.copyOf(positional));
  }

  /** Every setting by environment-variable name, for the parts' {@code fromSettings}. */
  Map<String, String> asMap() {
    return Collections.unmodifiableMap(values);
  }

  String get(String env, String fallback) {
    String v = values.get(env);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  boolean isSet(String env) {
    String v = values.get(env);
    return v != null && !v.isBlank();
  }

  int getInt(String env, int fallback) {
    String v = get(env, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException(env + " must be a whole number, not '" + v + "'");
    }
  }

  List<String> arguments() {
    return arguments;
  }

  /** A copy with one more setting, for values the launcher decides (the embedded broker's address). */
  Settings with(String env, String value) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(env, value);
    return new Settings(copy, arguments);
  }
}
