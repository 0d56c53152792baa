package io.lambdascope.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers unpacked in order into the folder that plays /opt, and /opt in environment values pointing at it. */
class LayersTest {
  @TempDir Path dir;

  private Path zip(String name, Map<String, String> files, String executable) throws Exception {
    Path target = dir.resolve(name);
    try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + target.toUri()),
        Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = zip.getPath("/" + f.getKey());
        if (p.getParent() != null) {
          Files.createDirectories(p.getParent());
        }
        Files.writeString(p, f.getValue());
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
            f.getKey().equals(executable) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return target;
  }

  @Test
  void laterLayersWinAndModesAreKept() throws Exception {
    Path first = zip("first.zip", Map.of("extensions/forwarder", "#!/bin/sh\n", "shared.txt", "first",
        "java/lib/util.jar", "jar"), "extensions/forwarder");
    Path second = zip("second.zip", Map.of("shared.txt", "second"), null);
    Layers layers = Layers.unpack(List.of(first, second), dir.resolve("opt"));
    assertEquals("second", Files.readString(layers.opt().resolve("shared.txt")));
    assertEquals(List.of(layers.opt().resolve("extensions/forwarder")), layers.extensions());
    assertTrue(Files.isExecutable(layers.extensions().get(0)));
    assertFalse(Files.isExecutable(layers.opt().resolve("shared.txt")));
    assertEquals(List.of(layers.opt().resolve("java/lib/util.jar")), layers.javaLibraries());
  }

  @Test
  void optWherePathsStartPointsAtTheLayers() throws Exception {
    Layers layers = Layers.unpack(List.of(), dir.resolve("opt"));
    String opt = layers.opt().toString();
    assertEquals(Map.of(
            "JAVA_TOOL_OPTIONS", "-javaagent:" + opt + "/lambdascope-agent.jar -Dx=" + opt + "/y",
            "AWS_LAMBDA_EXEC_WRAPPER", opt + "/wrapper",
            "HOME_OF", opt,
            "UNTOUCHED", "/usr/opt/x /optional /opt-in"),
        layers.mapOpt(Map.of(
            "JAVA_TOOL_OPTIONS", "-javaagent:/opt/lambdascope-agent.jar -Dx=/opt/y",
            "AWS_LAMBDA_EXEC_WRAPPER", "/opt/wrapper",
            "HOME_OF", "/opt",
            "UNTOUCHED", "/usr/opt/x /optional /opt-in")));
  }
}
