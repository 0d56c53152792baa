package io.lambdascope.emulator.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A function's layers, unpacked in order into one folder that plays Lambda's {@code /opt}: a later layer's file
 * replaces an earlier one's, and files keep the permissions the zip recorded (an extension must be executable).
 * Environment values name {@code /opt/...} as on Lambda; {@link #mapOpt} points them at this folder.
 */
final class Layers {
  /** {@code /opt} where it starts a path: at the start of the value or after a separator such as {@code :} or {@code =}. */
  private static final Pattern OPT = Pattern.compile("(?<![\\w/.~-])/opt(?=/|$|[\\s:;,\"'])");

  private final Path opt;

  private Layers(Path opt) {
    this.opt = opt;
  }

  /** Unpacks {@code zips} in order into {@code opt} (created, and empty before the first layer). */
  static Layers unpack(List<Path> zips, Path opt) throws IOException {
    Files.createDirectories(opt);
    for (Path zip : zips) {
      if (!Files.isRegularFile(zip)) {
        throw new IOException("layer not found: " + zip);
      }
      try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()),
          Map.of("enablePosixFileAttributes", "true"))) {
        Path root = fs.getPath("/");
        try (Stream<Path> entries = Files.walk(root)) {
          for (Path entry : (Iterable<Path>) entries::iterator) {
            copy(entry, opt.resolve(root.relativize(entry).toString()).normalize());
          }
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    return new Layers(opt);
  }

  private static void copy(Path entry, Path target) throws IOException {
    if (Files.isDirectory(entry)) {
      Files.createDirectories(target);
      return;
    }
    Files.createDirectories(target.getParent());
    Files.copy(entry, target, StandardCopyOption.REPLACE_EXISTING);
    PosixFileAttributes attributes = Files.getFileAttributeView(entry, PosixFileAttributeView.class).readAttributes();
    Files.setPosixFilePermissions(target, attributes.permissions());
  }

  /** The folder that plays {@code /opt}. */
  Path opt() {
    return opt;
  }

  /** Executable files under {@code extensions/}, by name: Lambda starts each as an external extension. */
  List<Path> extensions() {
    Path dir = opt.resolve("extensions");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> found = new ArrayList<>();
      files.filter(Files::isRegularFile).sorted().forEach(found::add);
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Jars under {@code java/lib/}: Lambda's Java runtimes put them on the function's classpath. */
  List<Path> javaLibraries() {
    Path dir = opt.resolve("java").resolve("lib");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The values with {@code /opt} (where a path starts) pointing at this folder. */
  Map<String, String> mapOpt(Map<String, String> environment) {
    Map<String, String> mapped = new LinkedHashMap<>();
    environment.forEach((name, value) -> mapped.put(name, mapOpt(value)));
    return mapped;
  }

  String mapOpt(String value) {
    return OPT.matcher(value).replaceAll(Matcher.quoteReplacement(opt.toString()));
  }
}
