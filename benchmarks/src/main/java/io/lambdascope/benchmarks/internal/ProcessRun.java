package io.lambdascope.benchmarks.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * One run of a child process with a clean environment, its wall time, its output and, through
 * {@code /usr/bin/time -f %M}, its peak resident set.
 */
public final class ProcessRun {
  private static final Path GNU_TIME = Path.of("/usr/bin/time");

  /** What a finished process left behind. */
  public record Result(
      int exitCode, long spawnEpochMillis, long wallNanos, long peakRssKb, List<String> stdout, String stderr) {

    /** The value of the first stdout line {@code "<key> <value>"}. */
    public OptionalLong longAfter(String key) {
      for (String line : stdout) {
        if (line.startsWith(key + " ")) {
          return OptionalLong.of(Long.parseLong(line.substring(key.length() + 1).trim()));
        }
      }
      return OptionalLong.empty();
    }

    public String describeFailure() {
      return "exit " + exitCode + ", stdout " + stdout + ", stderr " + tail(stderr);
    }

    private static String tail(String s) {
      return s.length() <= 2000 ? s : "…" + s.substring(s.length() - 2000);
    }
  }

  private ProcessRun() {}

  /** Whether peak RSS can be measured here. */
  public static boolean canMeasureRss() {
    return Files.isExecutable(GNU_TIME);
  }

  /**
   * Runs {@code command} with exactly {@code env} (plus PATH and LANG) and waits at most {@code
   * timeoutSeconds}.
   */
  public static Result run(List<String> command, Map<String, String> env, Path workDir, long timeoutSeconds)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    Path out = Files.createTempFile(workDir, "stdout", ".txt");
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    Path rss = Files.createTempFile(workDir, "rss", ".txt");
    List<String> full = new ArrayList<>();
    boolean timed = canMeasureRss();
    if (timed) {
      full.addAll(List.of(GNU_TIME.toString(), "-f", "%M", "-o", rss.toString()));
    }
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full).directory(workDir.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("LANG", "C.UTF-8");
    builder.environment().putAll(env);
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    long spawnMillis = System.currentTimeMillis();
    long start = System.nanoTime();
    Process process = builder.start();
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        throw new IOException("timed out after " + timeoutSeconds + " s: " + command);
      }
      long wall = System.nanoTime() - start;
      long peakKb = timed ? parseRss(rss) : -1;
      return new Result(
          process.exitValue(),
          spawnMillis,
          wall,
          peakKb,
          Files.readAllLines(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      Files.deleteIfExists(rss);
    }
  }

  private static long parseRss(Path rss) throws IOException {
    // GNU time prints "Command exited with non-zero status N" before the figure when the child fails.
    List<String> lines = Files.readAllLines(rss);
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i).trim();
      if (line.matches("\\d+")) {
        return Long.parseLong(line);
      }
    }
    return -1;
  }
}
