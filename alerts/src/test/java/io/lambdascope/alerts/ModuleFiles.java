package io.lambdascope.alerts;

import io.lambdascope.alerts.local.internal.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The alerts module's source files, and running the Prometheus command-line tools on them. */
final class ModuleFiles {

  /** Set by the POM; the module folder when run from elsewhere (an IDE). */
  static final Path ALERTS_DIR = Path.of(System.getProperty("lambdascope.alerts.dir", System.getProperty("user.dir")));
  static final Path RULES_DIR = ALERTS_DIR.resolve("rules");
  static final Path TESTS_DIR = ALERTS_DIR.resolve("tests");
  static final Path RUNBOOK = ALERTS_DIR.resolve("runbook.md");
  static final Path ALERTMANAGER_EXAMPLE = ALERTS_DIR.resolve("alertmanager.yml");
  static final String RUNBOOK_URL_BASE = "https://github.com/lambdascope/lambdascope/blob/main/alerts/runbook.md#";

  private ModuleFiles() {}

  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Exit code and combined output of a finished command. */
  record Result(int exitCode, String output) {}

  /** Runs a Prometheus tool from the module folder; fails naming the Debian package if it is missing. */
  static Result run(String debianPackage, String... command) {
    List<String> full = Stream.concat(Stream.of(ServerProcess.requireBinary(command[0], debianPackage)),
        Stream.of(command).skip(1)).toList();
    try {
      Process process = new ProcessBuilder(full).directory(ALERTS_DIR.toFile()).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", full) + " did not finish within 60 s");
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + full, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
