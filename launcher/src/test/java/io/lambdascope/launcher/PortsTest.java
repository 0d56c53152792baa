package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.settings.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A taken port stops a command with one line naming its setting; the demo's Prometheus falls back from 9090. */
class PortsTest {
  private ServerSocket taken;
  private int port;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @BeforeEach
  void takeAPort() throws IOException {
    taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    port = taken.getLocalPort();
  }

  @AfterEach
  void closeSocket() throws IOException {
    taken.close();
  }

  @Test
  void aTakenPortNamesItsSettingAndFlag() {
    Settings settings = Settings.of(Map.of("LAMBDASCOPE_KAFKA_PORT", Integer.toString(port)));
    Ports.PortTakenException e = assertThrows(Ports.PortTakenException.class,
        () -> Ports.requireFree(settings, SettingsCatalog.KAFKA_PORT, "127.0.0.1"));
    assertEquals("port " + port + " on 127.0.0.1 is in use by another program: set LAMBDASCOPE_KAFKA_PORT "
        + "(--kafka-port) to a free port, or 0 for any free port", e.getMessage());
  }

  @Test
  void aFreePortOrZeroPasses() {
    int free = port;
    release();
    Ports.requireFree(Settings.of(Map.of("LAMBDASCOPE_KAFKA_PORT", Integer.toString(free))), SettingsCatalog.KAFKA_PORT,
        "127.0.0.1");
    Ports.requireFree(Settings.of(Map.of("LAMBDASCOPE_KAFKA_PORT", "0")), SettingsCatalog.KAFKA_PORT, "127.0.0.1");
    // The controller takes any free port unless told otherwise: nothing to collide with.
    Ports.requireFree(Settings.of(Map.of()), SettingsCatalog.KAFKA_CONTROLLER_PORT, "127.0.0.1");
    assertEquals(0, Settings.of(Map.of()).get(SettingsCatalog.KAFKA_CONTROLLER_PORT));
  }

  @Test
  void servicesCheckTheEmbeddedBrokerOnlyWhenThereIsOne() {
    Map<String, String> env = Map.of("LAMBDASCOPE_KAFKA_PORT", Integer.toString(port), "LAMBDASCOPE_OTLP_PORT", "0",
        "LAMBDASCOPE_METRICS_PORT", "0");
    Ports.PortTakenException e = assertThrows(Ports.PortTakenException.class,
        () -> Ports.requireFreeForServices(Settings.of(env), true, true));
    assertTrue(e.getMessage().contains("LAMBDASCOPE_KAFKA_PORT"), e.getMessage());
    Ports.requireFreeForServices(Settings.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "LAMBDASCOPE_KAFKA_PORT",
        Integer.toString(port), "LAMBDASCOPE_OTLP_PORT", "0", "LAMBDASCOPE_METRICS_PORT", "0")), true, true);
    Ports.PortTakenException collector = assertThrows(Ports.PortTakenException.class,
        () -> Ports.requireFreeForServices(Settings.of(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
            "LAMBDASCOPE_OTLP_PORT", Integer.toString(port))), true, false));
    assertTrue(collector.getMessage().contains("LAMBDASCOPE_OTLP_PORT (--otlp-port)"), collector.getMessage());
  }

  @Test
  void theDemoPrometheusFallsBackToAFreePortWhenItsDefaultIsTaken() {
    // Taking 9090 itself would disturb whoever uses it on this machine: the same port, as a default, stands in.
    assertEquals(0, Ports.preferred(port, false, SettingsCatalog.DEMO_PROMETHEUS_PORT, "Prometheus", out));
    assertEquals("lambdascope: port " + port + " is in use by another program, so the demo's Prometheus takes a free "
        + "port instead (set LAMBDASCOPE_DEMO_PROMETHEUS_PORT (--prometheus-port) to choose one)\n",
        printed.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }

  @Test
  void aChosenPortThatIsTakenFails() {
    Settings chosen = Settings.of(Map.of("LAMBDASCOPE_DEMO_PROMETHEUS_PORT", Integer.toString(port)));
    assertTrue(chosen.isSet(SettingsCatalog.DEMO_PROMETHEUS_PORT));
    Ports.PortTakenException e = assertThrows(Ports.PortTakenException.class,
        () -> Ports.preferred(chosen, SettingsCatalog.DEMO_PROMETHEUS_PORT, "Prometheus", out));
    assertEquals("port " + port + " on 127.0.0.1 is in use by another program: set LAMBDASCOPE_DEMO_PROMETHEUS_PORT "
        + "(--prometheus-port) to a free port, or 0 for any free port", e.getMessage());
    assertEquals("", printed.toString(StandardCharsets.UTF_8));
  }


  @Test
  void aPreferredPortThatIsFreeIsKept() {
    int free = port;
    release();
    Settings settings = Settings.of(Map.of("LAMBDASCOPE_DEMO_ALERTMANAGER_PORT", Integer.toString(free)));
    assertEquals(free, Ports.preferred(settings, SettingsCatalog.DEMO_ALERTMANAGER_PORT, "Alertmanager", out));
    assertEquals(0, Ports.preferred(Settings.of(Map.of("LAMBDASCOPE_DEMO_ALERTMANAGER_PORT", "0")),
        SettingsCatalog.DEMO_ALERTMANAGER_PORT, "Alertmanager", out));
    assertEquals("", printed.toString(StandardCharsets.UTF_8));
  }

  private void release() {
    try {
      taken.close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
