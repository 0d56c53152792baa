package io.lambdascope.settings;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One setting, declared once: its environment-variable name, the flag that overrides it, its type,
 * default and description. Parts declare theirs as constants and read them from {@link Settings};
 * the launcher lists the same constants in {@code --help} and docs/configuration.md is checked
 * against them.
 *
 * <pre>{@code
 * static final Setting<Duration> KAFKA_TIMEOUT = Setting.duration("LAMBDASCOPE_KAFKA_TIMEOUT",
 *     Duration.ofSeconds(10), "how long a request waits for Kafka before it gets 503");
 * }</pre>
 *
 * <p>Every kind of value has one written form: durations {@code 250ms 10s 5m 1h 7d} (a bare number
 * is refused), sizes in bytes or {@code KiB MiB GiB}, booleans {@code true} or {@code false} only,
 * lists and {@code key=value} pairs separated by commas, enum constants in lower case.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {
  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");
  private static final String MASK = "****";

  private final String name;
  private final String flag;
  private final Kind<T> kind;
  private final T defaultValue;
  private final String defaultText;
  private final String description;
  private final boolean secret;
  private final List<Rule<T>> rules;
  private final String formerName;

  private Setting(String name, String flag, Kind<T> kind, T defaultValue, String defaultText, String description,
      boolean secret, List<Rule<T>> rules, String formerName) {
    this.name = name;
    this.flag = flag;
    this.kind = kind;
    this.defaultValue = defaultValue;
    this.defaultText = defaultText;
    this.description = description;
    this.secret = secret;
    this.rules = rules;
    this.formerName = formerName;
  }

  private static <T> Setting<T> of(String name, Kind<T> kind, T defaultValue, String description) {
    requireNonNull(name, "name");
    requireNonNull(description, "description");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not an environment-variable name: " + name);
    }
    return new Setting<>(name, flagOf(name), kind, defaultValue, null, description, false, List.of(), null);
  }

  // ---- the kinds of value ----

  /** Any text. */
  public static Setting<String> text(String name, String defaultValue, String description) {
    return of(name, Kind.TEXT, defaultValue, description);
  }

  /** Text that is never printed: not in errors, not in {@link #show}; no default. */
  public static Setting<String> secret(String name, String description) {
    return of(name, Kind.TEXT, null, description).secret();
  }

  /** {@code true} or {@code false}, nothing else. */
  public static Setting<Boolean> bool(String name, boolean defaultValue, String description) {
    return of(name, Kind.BOOL, defaultValue, description);
  }

  /** An {@code int} from {@code min} to {@code max}. */
  public static Setting<Integer> integer(String name, int defaultValue, int min, int max, String description) {
    return of(name, Kind.INT, defaultValue, description).range(v -> v >= min && v <= max,
        range(min, max, Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  /** A {@code long} from {@code min} to {@code max}. */
  public static Setting<Long> longInteger(String name, long defaultValue, long min, long max, String description) {
    return of(name, Kind.LONG, defaultValue, description).range(v -> v >= min && v <= max,
        range(min, max, Long.MIN_VALUE, Long.MAX_VALUE));
  }

  /** A number greater than 0, with or without a fraction ({@code 5}, {@code 0.5}). */
  public static Setting<Double> positiveNumber(String name, double defaultValue, String description) {
    return of(name, Kind.DECIMAL, defaultValue, description)
        .rule(v -> v > 0, "greater than 0", "is out of range")
        .checkDefault();
  }

  /** A duration greater than zero: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 7d}. */
  public static Setting<Duration> duration(String name, Duration defaultValue, String description) {
    return of(name, Kind.DURATION, defaultValue, description)
        .rule(v -> !v.isNegative() && !v.isZero(), "greater than 0", "is out of range")
        .checkDefault();
  }

  /** A size in bytes, at least {@code min}: {@code 1048576}, {@code 512KiB}, {@code 4MiB}. */
  public static Setting<Long> size(String name, long defaultValue, long min, String description) {
    return of(name, Kind.SIZE, defaultValue, description)
        .rule(v -> v >= min, "at least " + Units.formatSize(min), "is too small")
        .checkDefault();
  }

  /** A TCP port; 0 asks for any free port. */
  public static Setting<Integer> port(String name, int defaultValue, String description) {
    return of(name, Kind.PORT, defaultValue, description)
        .rule(v -> v >= 0 && v <= 65535, "from 0 to 65535 (0: any free port)", "is out of range")
        .checkDefault();
  }

  /** A host name or an IP address ({@code 127.0.0.1}, {@code 0.0.0.0}, {@code ::1}). */
  public static Setting<String> host(String name, String defaultValue, String description) {
    return of(name, Kind.HOST, defaultValue, description).checkDefault();
  }

  /** {@code host:port}. */
  public static Setting<HostPort> hostPort(String name, HostPort defaultValue, String description) {
    return of(name, Kind.HOST_PORT, defaultValue, description);
  }

  /** One or more {@code host:port} separated by commas, as Kafka's bootstrap servers. */
  public static Setting<List<HostPort>> hostPorts(String name, String description) {
    return of(name, Kind.HOST_PORTS, null, description);
  }

  /** A file or folder path. */
  public static Setting<Path> path(String name, Path defaultValue, String description) {
    return of(name, Kind.PATH, defaultValue, description);
  }

  /** An absolute {@code http} or {@code https} URL. */
  public static Setting<URI> url(String name, URI defaultValue, String description) {
    return of(name, Kind.URL, defaultValue, description).checkDefault();
  }

  /** Values separated by commas; blanks around them are dropped. Default: empty. */
  public static Setting<List<String>> list(String name, String description) {
    return of(name, Kind.LIST, List.of(), description);
  }

  /**
   * {@code key=value} pairs separated by commas, in the order given. With {@code valueOptional}, a
   * bare {@code key} stands for {@code key=} (an empty value). Default: empty.
   *
   * @param keyWord what a key is, for messages ({@code queue})
   * @param valueWord what a value is, for messages ({@code function})
   */
  public static Setting<Map<String, String>> pairs(
      String name, String keyWord, String valueWord, boolean valueOptional, String description) {
    return of(name, Kind.pairs(keyWord, valueWord, valueOptional), Map.of(), description);
  }

  /** One of the constants of {@code type}, written in lower case. */
  public static <E extends Enum<E>> Setting<E> choice(String name, Class<E> type, E defaultValue, String description) {
    return of(name, Kind.choice(type), defaultValue, description);
  }

  // ---- refinements: each returns a new declaration ----

  /** The flag that overrides the variable, when it is not the one derived from the name. */
  public Setting<T> flag(String flag) {
    requireNonNull(flag, "flag");
    if (!flag.matches("--[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("not a flag: " + flag);
    }
    return new Setting<>(name, flag, kind, defaultValue, defaultText, description, secret, rules, formerName);
  }

  /** The default as documented, where it is not a value (computed at run time, or another setting's). */
  public Setting<T> defaultText(String text) {
    requireNonNull(text, "text");
    return new Setting<>(name, flag, kind, defaultValue, text, description, secret, rules, formerName);
  }

  /** Never printed: errors and {@link #show} mask the value. */
  public Setting<T> secret() {
    return new Setting<>(name, flag, kind, defaultValue, defaultText, description, true, rules, formerName);
  }

  /**
   * A further condition on the value.
   *
   * @param requirement what a valid value is, completing the expected form ({@code "a Kafka topic name"})
   */
  public Setting<T> matching(Predicate<? super T> test, String requirement) {
    return rule(test, requirement, "is not valid").checkDefault();
  }

  /**
   * The name this setting had before. Setting the old name is an error that points to the new one,
   * so a renamed setting is never silently ignored.
   */
  public Setting<T> replaces(String oldName) {
    requireNonNull(oldName, "oldName");
    return new Setting<>(name, flag, kind, defaultValue, defaultText, description, secret, rules, oldName);
  }

  private Setting<T> rule(Predicate<? super T> test, String requirement, String problem) {
    List<Rule<T>> more = new ArrayList<>(rules);
    more.add(new Rule<>(requireNonNull(test, "test"), requireNonNull(requirement, "requirement"), problem));
    return new Setting<>(name, flag, kind, defaultValue, defaultText, description, secret, List.copyOf(more),
        formerName);
  }

  private Setting<T> range(Predicate<? super T> test, String requirement) {
    return (requirement == null ? this : rule(test, requirement, "is out of range")).checkDefault();
  }

  private Setting<T> checkDefault() {
    if (defaultValue != null) {
      check(defaultValue);
    }
    return this;
  }

  // ---- what a declaration says ----

  /** The environment-variable name. */
  public String name() {
    return name;
  }

  /** The flag: {@code LAMBDASCOPE_OTLP_PORT} is {@code --otlp-port} unless declared otherwise. */
  public String flag() {
    return flag;
  }

  public String description() {
    return description;
  }

  /** The value when the setting is unset, or null when there is none. */
  public T defaultValue() {
    return defaultValue;
  }

  /** The default as documented: the declared text, else the default value written in its form, else {@code none}. */
  public String defaultText() {
    if (defaultText != null) {
      return defaultText;
    }
    if (defaultValue == null) {
      return "none";
    }
    String text = kind.format.apply(defaultValue);
    return text.isEmpty() ? "none" : text;
  }

  /** What a valid value looks like, for messages and help. */
  public String form() {
    StringJoiner j = new StringJoiner(", ");
    if (!(kind == Kind.TEXT && !rules.isEmpty())) {
      j.add(kind.form);
    }
    rules.forEach(r -> j.add(r.requirement));
    return j.toString();
  }

  /** A placeholder for the value in usage lines: {@code DURATION}, {@code PORT}, {@code true|false}. */
  public String metavar() {
    return kind.metavar;
  }

  public boolean isSecret() {
    return secret;
  }

  /** The former name given to {@link #replaces}, or null. */
  public String formerName() {
    return formerName;
  }

  // ---- values ----

  /**
   * Parses a value as written in the environment or on the command line (surrounding blanks
   * ignored).
   *
   * @throws SettingException naming the setting, showing the value unless secret, and the form expected
   */
  public T parse(String text) {
    return parse(text, name);
  }

  /** As {@link #parse(String)}, naming the setting {@code as} in errors (its flag, say). */
  T parse(String text, String as) {
    requireNonNull(text, "text");
    String t = text.trim();
    T value;
    try {
      value = kind.parse.apply(t);
    } catch (Units.InvalidValue e) {
      throw invalid(as, secret ? null : "'" + t + "'", e.getMessage());
    }
    return checked(value, as, "'" + t + "'");
  }

  /**
   * Checks a value given in code (a builder's argument) against the same rules as a parsed one.
   *
   * @return {@code value}
   * @throws SettingException naming the setting when the value is out of range
   */
  public T check(T value) {
    requireNonNull(value, name);
    return checked(value, name, kind.format.apply(value));
  }

  private T checked(T value, String as, String shown) {
    for (Rule<T> r : rules) {
      if (!r.test.test(value)) {
        throw invalid(as, secret ? null : shown, r.problem);
      }
    }
    return value;
  }

  private SettingException invalid(String as, String shown, String problem) {
    return new SettingException(
        as + ": " + (shown == null ? "the value (not shown)" : shown) + " " + problem + "; expected " + form());
  }

  /** The value as it would be written, or {@code ****} for a secret. */
  public String show(T value) {
    if (value == null) {
      return "none";
    }
    return secret ? MASK : kind.format.apply(value);
  }

  /** The value written in this setting's form, to pass it on by name ({@link Settings#with(Setting, Object)}). */
  public String format(T value) {
    return kind.format.apply(requireNonNull(value, "value"));
  }

  @Override
  public String toString() {
    return name;
  }

  // ---- helpers ----

  static String flagOf(String name) {
    String bare = name.startsWith("LAMBDASCOPE_") ? name.substring("LAMBDASCOPE_".length()) : name;
    return "--" + bare.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static boolean isHost(String text) {
    return HOST_NAME.matcher(text).matches() || IPV6.matcher(text).matches();
  }

  private static String range(long min, long max, long lowest, long highest) {
    if (min == lowest && max == highest) {
      return null;
    }
    if (max == highest) {
      return "at least " + min;
    }
    if (min == lowest) {
      return "at most " + max;
    }
    return "from " + min + " to " + max;
  }

  private record Rule<T>(Predicate<? super T> test, String requirement, String problem) {}

  /** How one kind of value is parsed and written. Parsers throw {@link Units.InvalidValue}. */
  private static final class Kind<T> {
    static final Kind<String> TEXT = new Kind<>("TEXT", "any text", s -> s, s -> s);
    static final Kind<Boolean> BOOL = new Kind<>("true|false", "true or false", Kind::bool, String::valueOf);
    static final Kind<Integer> INT = new Kind<>("N", "an integer", s -> (int) whole(s, Integer.MIN_VALUE,
        Integer.MAX_VALUE), String::valueOf);
    static final Kind<Long> LONG = new Kind<>("N", "an integer", s -> whole(s, Long.MIN_VALUE, Long.MAX_VALUE),
        String::valueOf);
    static final Kind<Double> DECIMAL = new Kind<>("NUMBER", "a number (5, 0.5)", Kind::decimal, Kind::formatDecimal);
    static final Kind<Duration> DURATION = new Kind<>("DURATION", "a duration: " + Units.DURATION_FORM,
        Units::duration, Units::formatDuration);
    static final Kind<Long> SIZE = new Kind<>("SIZE", "a size: " + Units.SIZE_FORM, Units::size, Units::formatSize);
    static final Kind<Integer> PORT = new Kind<>("PORT", "a port number", s -> (int) whole(s, Integer.MIN_VALUE,
        Integer.MAX_VALUE), String::valueOf);
    static final Kind<String> HOST = new Kind<>("HOST", "a host name or IP address (127.0.0.1, 0.0.0.0, ::1)",
        Kind::host, s -> s);
    static final Kind<HostPort> HOST_PORT = new Kind<>("HOST:PORT", "host:port (127.0.0.1:9092, [::1]:9092)",
        Kind::hostPort, HostPort::toString);
    static final Kind<List<HostPort>> HOST_PORTS = new Kind<>("HOST:PORT,...",
        "host:port pairs separated by commas (k1:9092,k2:9092)", Kind::hostPorts,
        l -> l.stream().map(HostPort::toString).collect(Collectors.joining(",")));
    static final Kind<Path> PATH = new Kind<>("PATH", "a file or folder path", Kind::path, Path::toString);
    static final Kind<URI> URL = new Kind<>("URL", "an http or https URL (http://127.0.0.1:4318)", Kind::url,
        URI::toString);
    static final Kind<List<String>> LIST = new Kind<>("A,B,...", "values separated by commas", Kind::list,
        l -> String.join(",", l));

    final String metavar;
    final String form;
    final Function<String, T> parse;
    final Function<? super T, String> format;

    Kind(String metavar, String form, Function<String, T> parse, Function<? super T, String> format) {
      this.metavar = metavar;
      this.form = form;
      this.parse = parse;
      this.format = format;
    }

    static Kind<Map<String, String>> pairs(String keyWord, String valueWord, boolean valueOptional) {
      requireNonNull(keyWord, "keyWord");
      requireNonNull(valueWord, "valueWord");
      String form = (valueOptional ? keyWord + " or " : "") + keyWord + "=" + valueWord
          + (valueOptional ? " entries" : " pairs") + " separated by commas";
      String metavar = (keyWord + (valueOptional ? "[=" + valueWord + "]" : "=" + valueWord)).toUpperCase(Locale.ROOT)
          + ",...";
      return new Kind<>(metavar, form, s -> pairs(s, valueOptional), Kind::formatPairs);
    }

    static <E extends Enum<E>> Kind<E> choice(Class<E> type) {
      requireNonNull(type, "type");
      List<String> names = Arrays.stream(type.getEnumConstants()).map(Kind::lower).collect(Collectors.toList());
      return new Kind<>(String.join("|", names), "one of " + String.join(", ", names), s -> {
        for (E e : type.getEnumConstants()) {
          if (lower(e).equals(s)) {
            return e;
          }
        }
        throw new Units.InvalidValue("is not a choice");
      }, Kind::lower);
    }

    private static String lower(Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }

    private static Boolean bool(String s) {
      if (s.equals("true")) {
        return true;
      }
      if (s.equals("false")) {
        return false;
      }
      throw new Units.InvalidValue("is not true or false");
    }

    private static long whole(String s, long min, long max) {
      if (!s.matches("[+-]?\\d+")) {
        throw new Units.InvalidValue("is not an integer");
      }
      try {
        long v = Long.parseLong(s);
        if (v < min || v > max) {
          throw new Units.InvalidValue("is out of range");
        }
        return v;
      } catch (NumberFormatException e) {
        throw new Units.InvalidValue("is out of range");
      }
    }

    private static Double decimal(String s) {
      if (!s.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)")) {
        throw new Units.InvalidValue("is not a number");
      }
      return Double.parseDouble(s);
    }

    private static String formatDecimal(Double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
    }

    private static String host(String s) {
      if (!isHost(s)) {
        throw new Units.InvalidValue("is not a host name or IP address");
      }
      return s;
    }

    private static HostPort hostPort(String s) {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new Units.InvalidValue("is not host:port");
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.contains(":")) {
        throw new Units.InvalidValue("is not host:port (an IPv6 address goes in brackets)");
      }
      long port = whole(s.substring(colon + 1), 0, 65535);
      if (!isHost(host)) {
        throw new Units.InvalidValue("is not host:port");
      }
      return new HostPort(host, (int) port);
    }

    private static List<HostPort> hostPorts(String s) {
      List<HostPort> all = new ArrayList<>();
      for (String item : list(s)) {
        all.add(hostPort(item));
      }
      if (all.isEmpty()) {
        throw new Units.InvalidValue("names no host:port");
      }
      return List.copyOf(all);
    }

    private static Path path(String s) {
      try {
        return Path.of(s);
      } catch (InvalidPathException e) {
        throw new Units.InvalidValue("is not a path");
      }
    }

    private static URI url(String s) {
      URI uri;
      try {
        uri = new URI(s);
      } catch (URISyntaxException e) {
        throw new Units.InvalidValue("is not a URL");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new Units.InvalidValue("is not an http or https URL");
      }
      return uri;
    }

    private static List<String> list(String s) {
      List<String> items = new ArrayList<>();
      for (String item : s.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
      return List.copyOf(items);
    }

    private static Map<String, String> pairs(String s, boolean valueOptional) {
      Map<String, String> pairs = new LinkedHashMap<>();
      int n = 0;
      for (String item : list(s)) {
        n++;
        // The last '=': a key may contain one (a base64 token), a value does not.
        int eq = item.lastIndexOf('=');
        String key = eq < 0 ? item : item.substring(0, eq).trim();
        String value = eq < 0 ? "" : item.substring(eq + 1).trim();
        if (key.isEmpty() || (eq < 0 && !valueOptional) || (eq >= 0 && value.isEmpty())) {
          throw new Units.InvalidValue("has a malformed entry (number " + n + ")");
        }
        if (pairs.put(key, value) != null) {
          throw new Units.InvalidValue("names a key twice (entry " + n + ")");
        }
      }
      return Collections.unmodifiableMap(pairs);
    }

    private static String formatPairs(Map<String, String> pairs) {
      StringJoiner j = new StringJoiner(",");
      pairs.forEach((k, v) -> j.add(v.isEmpty() ? k : k + "=" + v));
      return j.toString();
    }
  }
}
