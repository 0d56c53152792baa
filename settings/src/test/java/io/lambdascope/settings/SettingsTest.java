package io.lambdascope.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {
  static final Setting<Integer> PORT = Setting.port("LAMBDASCOPE_OTLP_PORT", 4318, "port");
  static final Setting<Duration> WAIT = Setting.duration("LAMBDASCOPE_WAIT", Duration.ofSeconds(10), "wait")
      .replaces("LAMBDASCOPE_WAIT_MS");
  static final Setting<String> TOKEN = Setting.secret("LAMBDASCOPE_TOKEN", "token");
  static final List<Setting<?>> KNOWN = List.of(PORT, WAIT, TOKEN, KafkaSettings.BOOTSTRAP_SERVERS);

  @Test
  void blankCountsAsUnsetAndDefaultsApply() {
    Map<String, String> env = new HashMap<>();
    env.put("LAMBDASCOPE_OTLP_PORT", "  ");
    env.put("LAMBDASCOPE_WAIT", null);
    Settings s = Settings.of(env);
    assertFalse(s.isSet(PORT));
    assertEquals(4318, s.get(PORT));
    assertEquals(Optional.empty(), s.find(PORT));
    assertEquals(Duration.ofSeconds(10), s.get(WAIT));
    assertNull(s.get(TOKEN));
    assertEquals("LAMBDASCOPE_TOKEN is not set; expected any text",
        assertThrows(SettingException.class, () -> s.require(TOKEN)).getMessage());
  }

  @Test
  void valuesAreParsedWhenRead() {
    Settings s = Settings.of(Map.of("LAMBDASCOPE_OTLP_PORT", " 1111 ", "LAMBDASCOPE_WAIT", "2s"));
    assertTrue(s.isSet(PORT));
    assertEquals(1111, s.get(PORT));
    assertEquals(Duration.ofSeconds(2), s.require(WAIT));
    assertEquals("1111", s.raw("LAMBDASCOPE_OTLP_PORT"));
    assertEquals(Duration.ofMinutes(1), s.with(WAIT, Duration.ofMinutes(1)).get(WAIT));
    assertEquals(Duration.ofSeconds(2), s.get(WAIT), "with() makes a copy");
  }

  @Test
  void aFormerNameIsAnErrorThatPointsToTheNewOne() {
    Settings s = Settings.of(Map.of("LAMBDASCOPE_WAIT_MS", "5000"));
    SettingException e = assertThrows(SettingException.class, () -> s.get(WAIT));
    assertEquals("LAMBDASCOPE_WAIT_MS is no longer read: set LAMBDASCOPE_WAIT instead, as " + WAIT.form(),
        e.getMessage());
  }

  @Test
  void flagsOverrideTheEnvironment() {
    Settings s = Settings.fromCommandLine(Map.of("LAMBDASCOPE_OTLP_PORT", "1111", "HOME", "/root"), KNOWN,
        List.of("--otlp-port", "2222", "--kafka-bootstrap-servers=k:9092", "--wait=1m"));
    assertEquals(2222, s.get(PORT));
    assertEquals("k:9092", KafkaSettings.bootstrapServers(s.require(KafkaSettings.BOOTSTRAP_SERVERS)));
    assertEquals(Duration.ofMinutes(1), s.get(WAIT));
    assertEquals("/root", s.raw("HOME"));
    assertEquals(1111, Settings.fromCommandLine(Map.of("LAMBDASCOPE_OTLP_PORT", "1111"), KNOWN, List.of()).get(PORT));
  }

  @Test
  void commandLineMistakesAreRefusedBeforeAnythingStarts() {
    Map<List<String>, String> mistakes = Map.of(
        List.of("--otlp-prot", "1"), "unknown option --otlp-prot",
        List.of("--otlp-port"), "option --otlp-port needs a value: " + PORT.form(),
        List.of("file.yaml"), "unexpected argument 'file.yaml': options are --name value",
        List.of("--wait", "5000"), "--wait: '5000' has no unit; expected " + WAIT.form(),
        List.of("--token", "x y z", "--otlp-port=http"), "--otlp-port: 'http' is not an integer; expected " + PORT.form());
    mistakes.forEach((args, message) -> assertEquals(message,
        assertThrows(SettingException.class, () -> Settings.fromCommandLine(Map.of(), KNOWN, args)).getMessage()));
  }

  @Test
  void validateReportsEveryMalformedValueAtOnce() {
    Settings s = Settings.of(Map.of("LAMBDASCOPE_OTLP_PORT", "70000", "LAMBDASCOPE_WAIT", "10",
        "KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
    SettingException e = assertThrows(SettingException.class, () -> s.validate(KNOWN));
    assertEquals(List.of("LAMBDASCOPE_OTLP_PORT: '70000' is out of range; expected " + PORT.form(),
        "LAMBDASCOPE_WAIT: '10' has no unit; expected " + WAIT.form()), e.getMessage().lines().toList());
    Settings.of(Map.of("LAMBDASCOPE_OTLP_PORT", "0")).validate(KNOWN);
  }
}
