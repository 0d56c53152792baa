package io.lambdascope.httpguard;

import static java.util.Objects.requireNonNull;

import io.lambdascope.settings.Setting;
import io.lambdascope.settings.SettingException;
import io.lambdascope.settings.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Bearer tokens to tenants. Compares digests in constant time, so timing does not leak a token. */
public final class TenantTokens {
  /** The tenant of every request when no tokens are configured. */
  private static final String DEFAULT_TENANT = "default";

  private final byte[][] digests;
  private final String[] tenants;

  public TenantTokens(Map<String, String> tenantsByToken) {
    digests = new byte[tenantsByToken.size()][];
    tenants = new String[tenantsByToken.size()];
    int i = 0;
    for (Map.Entry<String, String> e : tenantsByToken.entrySet()) {
      digests[i] = sha256(e.getKey());
      tenants[i] = e.getValue();
      i++;
    }
  }

  public boolean enabled() {
    return tenants.length > 0;
  }

  /** The tenant of an {@code Authorization} header, {@code default} when auth is off, else null. */
  public String tenant(String authorization) {
    if (!enabled()) {
      return DEFAULT_TENANT;
    }
    if (authorization == null || authorization.length() < 7
        || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    byte[] presented = sha256(authorization.substring(7).trim());
    String found = null;
    for (int i = 0; i < digests.length; i++) {
      if (MessageDigest.isEqual(digests[i], presented)) {
        found = tenants[i];
      }
    }
    return found;
  }

  /**
   * The {@code token=tenant} pairs of a part: from its variable ({@code pairs}, comma-separated) or
   * from its file ({@code file}, one pair a line), not both. The file form keeps tokens out of the
   * environment and off command lines (a mounted secret, say). Empty when neither is set.
   *
   * @throws SettingException when both are set, or the file is unreadable, malformed or names no token
   */
  public static Map<String, String> fromSettings(
      Settings settings, Setting<Map<String, String>> pairs, Setting<Path> file) {
    requireNonNull(settings, "settings");
    if (settings.isSet(pairs) && settings.isSet(file)) {
      throw new SettingException("set " + pairs + " or " + file + ", not both");
    }
    return settings.find(file).map(f -> readFile(f, file.name())).orElseGet(() -> settings.get(pairs));
  }

  /**
   * Reads {@code token=tenant} pairs, one a line; blank lines and lines starting with {@code #} are
   * skipped. Messages name the setting and the line, never its content.
   *
   * @throws SettingException when the file cannot be read, a line is not a pair, or no pair is given
   */
  public static Map<String, String> readFile(Path file, String settingName) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SettingException(settingName + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String token = eq < 0 ? "" : line.substring(0, eq).strip();
      String tenant = eq < 0 ? "" : line.substring(eq + 1).strip();
      if (token.isEmpty() || tenant.isEmpty() || token.contains(" ") || tenant.contains(",")) {
        throw new SettingException(settingName + ": " + file + " line " + (n + 1)
            + " (not shown) is not a pair; expected token=tenant, one a line");
      }
      if (out.put(token, tenant) != null) {
        throw new SettingException(settingName + ": " + file + " line " + (n + 1) + " repeats a token");
      }
    }
    if (out.isEmpty()) {
      throw new SettingException(settingName + ": " + file + " names no token; expected token=tenant, one a line");
    }
    return out;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
