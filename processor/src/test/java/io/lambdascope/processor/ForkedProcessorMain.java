package io.lambdascope.processor;

import java.util.HashMap;
import java.util.Map;

/**
 * A processor in its own JVM, for tests that kill it with SIGKILL: settings from the environment,
 * prints "PORT n" once listening, runs until killed or until its standard input closes (the test
 * JVM is gone: no orphan keeps ports and the state directory).
 */
public final class ForkedProcessorMain {
  private ForkedProcessorMain() {}

  public static void main(String[] args) throws java.io.IOException {
    Map<String, String> settings = new HashMap<>(System.getenv());
    Processor processor = Processor.start(ProcessorConfig.fromSettings(settings));
    System.out.println("PORT " + processor.httpPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // only end of input matters
    }
    processor.close();
    System.exit(0);
  }
}
