package io.lambdascope.httpguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.settings.Setting;
import io.lambdascope.settings.SettingException;
import io.lambdascope.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantTokensTest {
  static final Setting<Map<String, String>> TOKENS =
      Setting.pairs("LAMBDASCOPE_X_AUTH_TOKENS", "token", "tenant", false, "tokens").secret();
  static final Setting<Path> TOKENS_FILE = Setting.path("LAMBDASCOPE_X_AUTH_TOKENS_FILE", null, "token file");

  @TempDir Path dir;

  @Test
  void aBearerTokenNamesItsTenantAndNothingElseDoes() {
    TenantTokens tokens = new TenantTokens(Map.of("s3cret-a", "acme", "s3cret-b", "globex"));
    assertTrue(tokens.enabled());
    assertEquals("acme", tokens.tenant("Bearer s3cret-a"));
    assertEquals("globex", tokens.tenant("bearer s3cret-b"));
    for (String wrong : new String[] {null, "", "Bearer", "Bearer ", "s3cret-a", "Basic s3cret-a", "Bearer s3cret-a2"}) {
      assertNull(tokens.tenant(wrong), String.valueOf(wrong));
    }
    assertEquals("default", new TenantTokens(Map.of()).tenant(null));
  }

  @Test
  void tokensComeFromTheVariableOrFromTheFileNeverBoth() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "# operators\n  tok-1 = *\n\ntok-2=acme\n");
    assertEquals(Map.of("tok-1", "*", "tok-2", "acme"),
        TenantTokens.fromSettings(Settings.of(Map.of(TOKENS_FILE.name(), file.toString())), TOKENS, TOKENS_FILE));
    assertEquals(Map.of("tok-3", "globex"),
        TenantTokens.fromSettings(Settings.of(Map.of(TOKENS.name(), "tok-3=globex")), TOKENS, TOKENS_FILE));
    assertEquals(Map.of(), TenantTokens.fromSettings(Settings.of(Map.of()), TOKENS, TOKENS_FILE));
    SettingException both = assertThrows(SettingException.class, () -> TenantTokens.fromSettings(
        Settings.of(Map.of(TOKENS.name(), "tok-3=globex", TOKENS_FILE.name(), file.toString())), TOKENS, TOKENS_FILE));
    assertEquals("set LAMBDASCOPE_X_AUTH_TOKENS or LAMBDASCOPE_X_AUTH_TOKENS_FILE, not both", both.getMessage());
  }

  @Test
  void aBadFileIsNamedButItsContentNeverShown() throws Exception {
    Path file = dir.resolve("bad");
    Files.writeString(file, "tok-ok=acme\nhunter2\n");
    String message = assertThrows(SettingException.class, () -> TenantTokens.readFile(file, "LAMBDASCOPE_X")).getMessage();
    assertEquals("LAMBDASCOPE_X: " + file + " line 2 (not shown) is not a pair; expected token=tenant, one a line",
        message);
    assertFalse(message.contains("hunter2"));

    Files.writeString(file, "tok=acme\ntok=globex\n");
    assertEquals("LAMBDASCOPE_X: " + file + " line 2 repeats a token",
        assertThrows(SettingException.class, () -> TenantTokens.readFile(file, "LAMBDASCOPE_X")).getMessage());

    Files.writeString(file, "# nothing yet\n");
    assertEquals("LAMBDASCOPE_X: " + file + " names no token; expected token=tenant, one a line",
        assertThrows(SettingException.class, () -> TenantTokens.readFile(file, "LAMBDASCOPE_X")).getMessage());

    Path missing = dir.resolve("missing");
    assertEquals("LAMBDASCOPE_X: cannot read " + missing + " (NoSuchFileException)",
        assertThrows(SettingException.class, () -> TenantTokens.readFile(missing, "LAMBDASCOPE_X")).getMessage());
  }

  @Test
  void listeningBeyondLoopbackNeedsTokensOrAnExplicitAllowance() {
    Exposure.requireTokensBeyondLoopback("127.0.0.1", "HOST", false, "TOKENS", false, "ALLOW");
    Exposure.requireTokensBeyondLoopback("localhost", "HOST", false, "TOKENS", false, "ALLOW");
    Exposure.requireTokensBeyondLoopback("0.0.0.0", "HOST", true, "TOKENS", false, "ALLOW");
    Exposure.requireTokensBeyondLoopback("0.0.0.0", "HOST", false, "TOKENS", true, "ALLOW");
    assertEquals("refusing to listen on 0.0.0.0 without authentication: set TOKENS (token=tenant pairs), "
            + "or ALLOW=true to accept anyone who can reach it",
        assertThrows(IllegalArgumentException.class,
            () -> Exposure.requireTokensBeyondLoopback("0.0.0.0", "HOST", false, "TOKENS", false, "ALLOW"))
            .getMessage());
  }
}
