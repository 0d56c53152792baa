package io.lambdascope.emulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void builtInScenariosHaveTheDocumentedPhasesAndLengths() throws Exception {
    assertEquals(List.of("default", "smoke"), Scenario.BUILT_IN);
    Scenario demo = Scenario.load("default");
    assertEquals("default", demo.name());
    assertEquals(List.of("warm-up", "steady", "burst", "slow-downstream", "recovery"),
        demo.phases().stream().map(Scenario.Phase::name).toList());
    assertEquals(Duration.ofSeconds(105), demo.totalDuration());
    // The smoke scenario is the default one shortened: the same phases but recovery.
    Scenario smoke = Scenario.load("smoke");
    assertEquals("smoke", smoke.name());
    assertEquals(List.of("warm-up", "steady", "burst", "slow-downstream"),
        smoke.phases().stream().map(Scenario.Phase::name).toList());
    assertEquals(Duration.ofSeconds(24), smoke.totalDuration());
    for (Scenario s : List.of(demo, smoke)) {
      for (Scenario.Phase p : s.phases()) {
        for (Scenario.Traffic t : p.traffic()) {
          // Every payload is one the runner can generate, and generates a JSON object.
          assertTrue(JSON.readTree(Payloads.generate(t.payload(), 1, "us-east-1")).isObject(), s.name() + " " + t);
        }
      }
    }
  }

  @Test
  void totalDurationOverrideScalesEveryPhase() {
    Scenario s = Scenario.parse("""
        phases:
          - {name: a, duration: 10s}
          - {name: b, duration: 30s, downstreamLatency: 2s, traffic: [{function: f, rate: 2}]}
        """);
    Scenario scaled = s.withTotalDuration(Duration.ofSeconds(20));
    assertEquals(Duration.ofSeconds(5), scaled.phases().get(0).duration());
    assertEquals(Duration.ofSeconds(15), scaled.phases().get(1).duration());
    assertEquals(Duration.ofSeconds(2), scaled.phases().get(1).downstreamLatency().orElseThrow());
    assertEquals(Scenario.Via.SYNC, scaled.phases().get(1).traffic().get(0).via());
  }

  @Test
  void mistakesAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Scenario.load("no-such-scenario"))
        .getMessage().contains("built-in: default, smoke"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Scenario.parse(
        "phases: [{name: a, duration: 1s, traffic: [{via: carrier-pigeon, function: f}]}]"))
        .getMessage().contains("via must be sync, async or sqs"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Scenario.parse(
        "phases: [{name: a, duration: 1s, traffic: [{via: sqs, function: f}]}]"))
        .getMessage().contains("needs 'queue'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Payloads.check("nonsense"))
        .getMessage().contains("unknown payload generator"));
  }

  @Test
  void payloadsAreDeterministicBySequence() throws Exception {
    assertEquals("POISON", JSON.readTree(Payloads.order(9)).path("sku").asText());
    assertEquals("BOOK-1", JSON.readTree(Payloads.order(8)).path("sku").asText());
    JsonNode api = JSON.readTree(Payloads.generate("api-order", 1, "us-east-1"));
    assertEquals("POST", api.path("requestContext").path("http").path("method").asText());
    assertEquals("2.0", api.path("version").asText());
    JsonNode upload = JSON.readTree(Payloads.generate("s3-upload", 6, "us-east-1"));
    assertTrue(upload.path("Records").get(0).path("s3").path("object").path("key").asText().endsWith(".xlsx"));
    assertEquals("{\"a\":1}", Payloads.generate("{\"a\":1}", 0, "us-east-1"));
  }
}
