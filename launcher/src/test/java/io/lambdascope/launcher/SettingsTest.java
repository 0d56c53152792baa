package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private static final List<Setting> KNOWN =
      List.of(
          new Setting("LAMBDASCOPE_OTLP_PORT", "4318", "port"),
          new Setting("KAFKA_BOOTSTRAP_SERVERS", "none", "kafka"));

  @Test
  void flagsOverrideTheEnvironment() {
    Settings s =
        Settings.parse(
            Map.of("LAMBDASCOPE_OTLP_PORT", "1111", "HOME", "/root"),
            KNOWN,
            List.of("--otlp-port", "2222", "--kafka-bootstrap-servers=k:9092", "file.yaml"));
    assertEquals("2222", s.get("LAMBDASCOPE_OTLP_PORT", null));
    assertEquals("k:9092", s.get("KAFKA_BOOTSTRAP_SERVERS", null));
    assertEquals("/root", s.get("HOME", null));
    assertEquals(List.of("file.yaml"), s.arguments());
  }

  @Test
  void theEnvironmentAppliesWhenNoFlagIsGiven() {
    Settings s = Settings.parse(Map.of("LAMBDASCOPE_OTLP_PORT", "1111"), KNOWN, List.of());
    assertEquals(1111, s.getInt("LAMBDASCOPE_OTLP_PORT", 4318));
    assertEquals("fallback", s.get("KAFKA_BOOTSTRAP_SERVERS", "fallback"));
  }

  @Test
  void unknownFlagsMissingValuesAndBadNumbersAreUsageErrors() {
    assertEquals("unknown option --otlp-prot",
        assertThrows(UsageException.class, () -> Settings.parse(Map.of(), KNOWN, List.of("--otlp-prot", "1"))).getMessage());
    assertEquals("option --otlp-port needs a value",
        assertThrows(UsageException.class, () -> Settings.parse(Map.of(), KNOWN, List.of("--otlp-port"))).getMessage());
    Settings s = Settings.parse(Map.of(), KNOWN, List.of("--otlp-port", "x"));
    assertThrows(UsageException.class, () -> s.getInt("LAMBDASCOPE_OTLP_PORT", 4318));
  }
}
