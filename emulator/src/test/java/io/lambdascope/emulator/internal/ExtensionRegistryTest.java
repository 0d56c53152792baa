package io.lambdascope.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Extensions API's registration rules, as Lambda applies them. */
class ExtensionRegistryTest {
  private final Object lock = new Object();
  private final ExtensionRegistry registry = new ExtensionRegistry(lock, List.of("telemetry-forwarder"));

  private static byte[] events(String... events) {
    return ("{\"events\":[" + String.join(",", List.of(events).stream().map(e -> "\"" + e + "\"").toList()) + "]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private ApiError refused(String name, byte[] body) {
    return assertThrows(ApiError.class, () -> registry.register(name, body));
  }

  @Test
  void externalExtensionsAreTheFilesUnderExtensionsAndMayRegisterForShutdown() throws Exception {
    ExtensionRegistry.Extension external = registry.register("telemetry-forwarder", events("INVOKE", "SHUTDOWN"));
    assertTrue(external.external);
    assertEquals(Set.of("INVOKE", "SHUTDOWN"), external.events);
    assertEquals(Set.of(), registry.unregisteredExternal());
    ExtensionRegistry.Extension internal = registry.register("agent", events("INVOKE"));
    assertFalse(internal.external);
    assertNotEquals(external.id, internal.id);
    assertEquals(internal, registry.find(internal.id));
  }

  @Test
  void internalExtensionsMayNotRegisterForShutdown() {
    ApiError e = refused("agent", events("INVOKE", "SHUTDOWN"));
    assertEquals(403, e.status);
    assertEquals("Extension.InvalidEventType", e.errorType);
    assertTrue(e.getMessage().contains("SHUTDOWN"), e.getMessage());
  }

  @Test
  void whatLambdaRefuses() throws Exception {
    assertEquals("Extension.InvalidExtensionName", refused("", events("INVOKE")).errorType);
    assertEquals("Extension.InvalidEventType", refused("agent", events("RESTORE")).errorType);
    assertEquals("InvalidRequestFormat", refused("agent", "not json".getBytes(StandardCharsets.UTF_8)).errorType);
    assertEquals("InvalidRequestFormat",
        refused("agent", "{\"configurationKeys\":[\"x\"]}".getBytes(StandardCharsets.UTF_8)).errorType);
    registry.register("agent", events("INVOKE"));
    assertEquals("Extension.InvalidExtensionState", refused("agent", events("INVOKE")).errorType);
    assertEquals("Extension.MissingExtensionIdentifier", assertThrows(ApiError.class, () -> registry.find(null))
        .errorType);
    assertEquals("Extension.UnknownExtensionIdentifier", assertThrows(ApiError.class, () -> registry.find("x"))
        .errorType);
  }

  @Test
  void atMostTenExtensions() throws Exception {
    for (int i = 0; i < ExtensionRegistry.MAX_EXTENSIONS; i++) {
      registry.register("internal-" + i, events("INVOKE"));
    }
    ApiError e = refused("one-too-many", events("INVOKE"));
    assertEquals(403, e.status);
    assertEquals("Extension.TooManyExtensions", e.errorType);
  }

  @Test
  void registrationClosesWithInit() {
    registry.closeRegistration();
    ApiError e = refused("late", events("INVOKE"));
    assertEquals(403, e.status);
    assertEquals("Extension.RegistrationClosed", e.errorType);
  }

  @Test
  void afterAnErrorReportTheExtensionsCallsAreRefused() throws Exception {
    ExtensionRegistry.Extension x = registry.register("agent", events("INVOKE"));
    registry.failed(x, "Extension.ConfigInvalid");
    assertEquals("Extension.InvalidExtensionState", assertThrows(ApiError.class, () -> registry.find(x.id))
        .errorType);
  }

  @Test
  void nextWaitsForTheEventHandedToTheExtension() throws Exception {
    ExtensionRegistry.Extension x = registry.register("agent", events("INVOKE"));
    byte[][] got = new byte[1][];
    Thread caller = new Thread(() -> {
      try {
        got[0] = registry.next(x);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    caller.start();
    synchronized (lock) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!x.waiting && System.nanoTime() < deadline) {
        lock.wait(100);
      }
      assertTrue(x.waiting, "next marks the extension as waiting");
    }
    registry.send(x, "{\"eventType\":\"INVOKE\"}".getBytes(StandardCharsets.UTF_8), false);
    caller.join(5000);
    assertEquals("{\"eventType\":\"INVOKE\"}", new String(got[0], StandardCharsets.UTF_8));
    assertFalse(x.waiting, "busy with its event until its next next");
  }
}
