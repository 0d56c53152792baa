package io.lambdascope.emulator;

import java.util.Map;

/** Runs an emulator in its own JVM for {@link ShutdownTest}: prints its invoke port, then waits to be killed. */
public final class ForkedEmulator {
  private ForkedEmulator() {}

  public static void main(String[] args) throws Exception {
    Emulator emulator = Emulator.start(EmulatorConfig.fromSettings(Map.of(
        "LAMBDASCOPE_FUNCTIONS", args[0],
        "LAMBDASCOPE_INVOKE_PORT", "0",
        "LAMBDASCOPE_SQS_PORT", "0",
        "EXAMPLES_JAR", args[1])));
    System.out.println("READY " + emulator.invokePort());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
