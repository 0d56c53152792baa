package io.lambdascope.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Freezing between invocations, when the next invocation comes while a telemetry delivery is under way. */
class FreezeGateTest {
  private final AtomicInteger stops = new AtomicInteger();
  private final FreezeGate gate = countingStops(stops);

  /** A gate whose processes are imaginary: each stop is counted in {@code stops}. */
  static FreezeGate countingStops(AtomicInteger stops) {
    return new FreezeGate(new FreezeGate.Signals() {
      @Override
      public void stop() {
        stops.incrementAndGet();
      }

      @Override
      public void resume() {}
    }, true);
  }

  @Test
  void aThawWhileTheFreezeWaitsForADeliveryKeepsTheEnvironmentRunning() throws Exception {
    long first = gate.thaw();
    assertTrue(gate.enter(1000)); // a delivery to a subscriber, under way as the invocation ends
    CompletableFuture<Void> freeze = CompletableFuture.runAsync(() -> gate.freeze(first));
    awaitFrozenGate();
    gate.thaw(); // the next invocation arrives while the freeze waits for the delivery
    gate.exit();
    freeze.get(5, TimeUnit.SECONDS);

    assertEquals(0, stops.get(), "the processes of a running invocation were stopped");
    assertTrue(gate.thawed());
  }

  @Test
  void aFreezeStopsTheProcessesOnceTheDeliveryIsDone() throws Exception {
    long first = gate.thaw();
    assertTrue(gate.enter(1000));
    CompletableFuture<Void> freeze = CompletableFuture.runAsync(() -> gate.freeze(first));
    awaitFrozenGate();
    gate.exit();
    freeze.get(5, TimeUnit.SECONDS);

    assertEquals(1, stops.get());
  }

  /** The freeze closed the gate and now waits for the delivery. */
  private void awaitFrozenGate() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (gate.thawed()) {
      assertTrue(System.nanoTime() < deadline, "the freeze never started");
      Thread.sleep(1);
    }
  }
}
