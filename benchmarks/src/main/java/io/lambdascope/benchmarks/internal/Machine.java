package io.lambdascope.benchmarks.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What the figures were measured on: CPUs, memory, JVM and how busy the machine was. */
public final class Machine {
  private Machine() {}

  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch");
  }

  public static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("\\D", ""));
          return Fmt.num(kb / 1024.0 / 1024.0, 1) + " GiB";
        }
      }
    } catch (IOException e) {
      // not Linux: fall through
    }
    return "unknown";
  }

  /** The 1, 5 and 15 minute load averages. */
  public static String loadAverage() {
    try {
      List<String> parts = List.of(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+"));
      return String.join(" / ", parts.subList(0, 3));
    } catch (IOException e) {
      return "unknown";
    }
  }

  public static String jvm() {
    return System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.runtime.version")
        + " ("
        + System.getProperty("java.vendor")
        + ")";
  }

  public static int cpus() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** User + system CPU seconds a process has used, from /proc/&lt;pid&gt;/stat. */
  /**
   * CPU seconds (user + system) of a process's threads so far, summed by thread name (as the kernel
   * keeps it: the first 15 characters) with digits dropped, so a pool's threads add up.
   */
  public static Map<String, Double> threadCpuSeconds(long pid) throws IOException {
    Map<String, Double> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#");
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
      }
    }
    return byName;
  }

  /**
   * The scheduler's exact accounting of a process's threads so far, summed by thread name as in
   * {@link #threadCpuSeconds}: {@code [0]} nanoseconds on a CPU, {@code [1]} nanoseconds runnable but waiting
   * for one, {@code [2]} times the thread was put on a CPU (each wake-up, and each preemption, counts), from
   * {@code /proc/<pid>/task/<tid>/schedstat}; empty when the kernel keeps no schedstat.
   */
  public static Map<String, long[]> threadSchedStats(long pid) throws IOException {
    Map<String, long[]> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        String comm;
        String[] f;
        try {
          comm = Files.readString(task.resolve("comm")).trim();
          f = Files.readString(task.resolve("schedstat")).trim().split(" ");
        } catch (IOException gone) {
          continue; // the thread ended meanwhile, or no schedstat
        }
        long[] sums = byName.computeIfAbsent(comm.replaceAll("\\d+", "#"), k -> new long[3]);
        for (int i = 0; i < 3; i++) {
          sums[i] += Long.parseLong(f[i]);
        }
      }
    }
    return byName;
  }

  public static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // Fields after the command name, which may contain spaces, are counted from its closing ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks / 100.0; // USER_HZ is 100 on Linux
  }

  /**
   * CPU seconds (user + system) the JIT compiler threads of process {@code pid} used so far, from
   * {@code /proc/<pid>/task/<tid>/stat} (threads named {@code C1 CompilerThre…}, {@code C2 CompilerThre…}).
   * A compiler thread the JVM has already ended is missing from the sum.
   */
  public static double compilerCpuSeconds(long pid) throws IOException {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
    }
    return ticks / 100.0;
  }
}
