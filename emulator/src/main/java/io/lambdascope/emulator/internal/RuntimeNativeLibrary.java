package io.lambdascope.emulator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * The runtime interface client's JNI library, unpacked once per emulator. Left to itself, every environment JVM
 * unpacks it to the fixed path /tmp/.libaws-lambda-jni.so: environments starting together then overwrite the file
 * while another loads it and crash (SIGBUS, "file too short"). The client loads the path named by the system
 * property {@link #PROPERTY} instead, if set.
 */
final class RuntimeNativeLibrary {
  static final String PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

  private RuntimeNativeLibrary() {}

  /** Unpacks the library for this platform into {@code dir}; empty when the runtime's jar is not ours to read. */
  static Optional<Path> unpack(Path dir) throws IOException {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    boolean arm = arch.contains("aarch64") || arch.contains("arm64");
    boolean musl = Files.exists(Path.of("/lib/ld-musl-x86_64.so.1")) || Files.exists(Path.of("/lib/ld-musl-aarch64.so.1"));
    String name = "libaws-lambda-jni." + (musl ? "linux_musl-" : "linux-") + (arm ? "aarch_64" : "x86_64") + ".so";
    ClassLoader loader = RuntimeNativeLibrary.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream("jni/" + name)) {
      if (in == null) {
        return Optional.empty();
      }
      Path target = dir.resolve(name);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return Optional.of(target);
    }
  }
}
