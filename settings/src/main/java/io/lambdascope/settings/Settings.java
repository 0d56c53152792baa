package io.lambdascope.settings;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Setting values by environment-variable name: the environment, perhaps overlaid with flags. A
 * blank value counts as unset. Values are parsed when read, by the {@link Setting} asked for.
 */
public final class Settings {
  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** The values of {@code map} (null values count as unset). */
  public static Settings of(Map<String, String> map) {
    requireNonNull(map, "map");
    Map<String, String> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (k != null && v != null) {
        copy.put(k, v);
      }
    });
    return new Settings(copy);
  }

  /**
   * The environment overlaid with command-line flags: {@code --name value} or {@code --name=value},
   * each the flag of one of the {@code known} settings. Flag values are checked here, so a typo
   * fails before anything starts.
   *
   * @throws SettingException for an unknown flag, a flag without value, a malformed value, or an
   *     argument that is not a flag
   */
  public static Settings fromCommandLine(
      Map<String, String> environment, Collection<? extends Setting<?>> known, List<String> args) {
    requireNonNull(environment, "environment");
    requireNonNull(known, "known");
    requireNonNull(args, "args");
    Map<String, Setting<?>> byFlag = new LinkedHashMap<>();
    for (Setting<?> s : known) {
      byFlag.put(s.flag(), s);
    }
    Map<String, String> values = new LinkedHashMap<>(environment);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new SettingException("unexpected argument '" + arg + "': options are --name value");
      }
      int eq = arg.indexOf('=');
      String flag = eq < 0 ? arg : arg.substring(0, eq);
      Setting<?> setting = byFlag.get(flag);
      if (setting == null) {
        throw new SettingException("unknown option " + flag);
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new SettingException("option " + flag + " needs a value: " + setting.form());
      }
      setting.parse(value, flag);
      values.put(setting.name(), value);
    }
    return of(values);
  }

  /** The trimmed value of {@code name}, or null when unset or blank. */
  public String raw(String name) {
    String v = values.get(requireNonNull(name, "name"));
    return v == null || v.isBlank() ? null : v.trim();
  }

  public boolean isSet(Setting<?> setting) {
    return raw(setting.name()) != null;
  }

  /**
   * The value when set, parsed.
   *
   * @throws SettingException when it is malformed, or when the setting's former name is set
   */
  public <T> Optional<T> find(Setting<T> setting) {
    requireNonNull(setting, "setting");
    if (setting.formerName() != null && raw(setting.formerName()) != null) {
      throw new SettingException(setting.formerName() + " is no longer read: set " + setting.name()
          + " instead, as " + setting.form());
    }
    String raw = raw(setting.name());
    return raw == null ? Optional.empty() : Optional.of(setting.parse(raw));
  }

  /** The value when set, else the default (null when the setting has none). */
  public <T> T get(Setting<T> setting) {
    return find(setting).orElse(setting.defaultValue());
  }

  /**
   * The value when set, else the default.
   *
   * @throws SettingException when neither exists
   */
  public <T> T require(Setting<T> setting) {
    T value = get(setting);
    if (value == null) {
      throw new SettingException(setting.name() + " is not set; expected " + setting.form());
    }
    return value;
  }

  /**
   * Reads every setting in {@code settings} that is set, so that all malformed values are reported
   * at once, before anything starts.
   *
   * @throws SettingException listing every malformed value, one per line
   */
  public void validate(Collection<? extends Setting<?>> settings) {
    List<String> errors = new ArrayList<>();
    for (Setting<?> s : settings) {
      try {
        find(s);
      } catch (SettingException e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new SettingException(String.join("\n", errors));
    }
  }

  /** A copy with {@code name} set to {@code value}. */
  public Settings with(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
    return new Settings(copy);
  }

  /** A copy with {@code setting} set to {@code value}, written in its form. */
  public <T> Settings with(Setting<T> setting, T value) {
    return with(setting.name(), setting.format(value));
  }

  /** Every value by name, as given. */
  public Map<String, String> asMap() {
    return values;
  }
}
