package io.lambdascope.emulator;

import io.lambdascope.emulator.testing.RecordingExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Lambda layers for tests, zipped as users zip them: the built agent layer, a recording extension, a wrapper. */
final class TestLayers {
  private TestLayers() {}

  /** The agent's layer as the build made it (agent/target/lambdascope-agent-layer.zip). */
  static Path agent() {
    Path layer = Path.of(System.getProperty("agent.layer"));
    if (!Files.isRegularFile(layer)) {
      throw new IllegalStateException("the agent layer is not built: " + layer);
    }
    return layer;
  }

  /**
   * A layer with an external extension, {@code extensions/recorder}: a shell script that starts
   * {@link RecordingExtension}, whose classes are in the layer too.
   */
  static Path recorder(Path dir) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("extensions/recorder", ("#!/bin/sh\n"
        + "# A test extension in Java: it must not get the function's agent.\n"
        + "unset JAVA_TOOL_OPTIONS\n"
        + "exec '" + java + "' -Xmx48m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
        + " -cp \"$(dirname \"$0\")/../recorder\" " + RecordingExtension.class.getName() + " \"$(basename \"$0\")\"\n")
        .getBytes(StandardCharsets.UTF_8));
    try {
      Path classes = Path.of(RecordingExtension.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path pkg = classes.resolve(RecordingExtension.class.getPackageName().replace('.', '/'));
      try (Stream<Path> list = Files.list(pkg)) {
        for (Path c : (Iterable<Path>) list::iterator) {
          if (c.getFileName().toString().startsWith("RecordingExtension")) {
            files.put("recorder/" + classes.relativize(c), Files.readAllBytes(c));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return zip(dir.resolve("recorder-layer.zip"), files);
  }

  /** A layer with {@code wrapper}, for {@code AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapper}: it sets a variable, then runs the runtime. */
  static Path wrapper(Path dir) {
    return zip(dir.resolve("wrapper-layer.zip"), Map.of("wrapper", ("#!/bin/sh\n"
        + "export PROBE_WRAPPED=\"by the wrapper, with $# arguments\"\n"
        + "exec \"$@\"\n").getBytes(StandardCharsets.UTF_8)));
  }

  /** A zip whose files under {@code extensions/} and named {@code wrapper} are executable (mode 755), others 644. */
  static Path zip(Path target, Map<String, byte[]> files) {
    try {
      Files.deleteIfExists(target);
      try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + target.toUri()),
          Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          Path p = zip.getPath("/" + f.getKey());
          if (p.getParent() != null) {
            Files.createDirectories(p.getParent());
          }
          Files.write(p, f.getValue());
          boolean executable = f.getKey().startsWith("extensions/") || f.getKey().equals("wrapper");
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
