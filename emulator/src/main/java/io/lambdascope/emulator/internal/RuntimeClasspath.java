package io.lambdascope.emulator.internal;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The classpath of the runtime interface client and its own dependencies, found where the emulator itself loaded
 * them. An environment's JVM runs with this plus the function jar, and nothing else of the emulator: like Lambda's
 * Java images, where the runtime's jars sit beside the function's code.
 */
final class RuntimeClasspath {
  /** One class from each jar the runtime interface client needs at run time. */
  private static final String[] MARKER_CLASSES = {
    "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
    "com.amazonaws.services.lambda.runtime.Context",
    "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
    "software.amazon.awssdk.utilslite.SdkInternalThreadLocal",
  };

  private RuntimeClasspath() {}

  static String locate() {
    Set<String> entries = new LinkedHashSet<>();
    for (String name : MARKER_CLASSES) {
      try {
        Class<?> c = Class.forName(name, false, RuntimeClasspath.class.getClassLoader());
        var source = c.getProtectionDomain().getCodeSource();
        if (source == null) {
          throw new IllegalStateException("cannot locate the jar of " + name);
        }
        entries.add(Path.of(source.getLocation().toURI()).toString());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(
            "the runtime interface client is not on the emulator's classpath (missing " + name
                + "); set LAMBDASCOPE_RUNTIME_CLASSPATH", e);
      } catch (URISyntaxException e) {
        throw new IllegalStateException("cannot locate the jar of " + name, e);
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
