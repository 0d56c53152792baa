package io.lambdascope.launcher;

import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bin/lambdascope}: one entry point, one subcommand per part. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Map<String, Command> commands = new LinkedHashMap<>();
    for (Command c : Commands.all()) {
      commands.put(c.name(), c);
    }
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      printUsage(System.out, commands);
      System.exit(args.length == 0 ? 2 : 0);
    }
    Command command = commands.get(args[0]);
    if (command == null) {
      System.err.println("lambdascope: unknown command '" + args[0] + "'");
      printUsage(System.err, commands);
      System.exit(2);
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      printHelp(System.out, command);
      System.exit(0);
    }
    int status;
    try {
      Settings settings = Settings.fromCommandLine(System.getenv(), command.settings(), rest);
      // Every malformed value at once, before anything starts.
      settings.validate(command.settings());
      status = command.run(settings);
    } catch (UsageException | IllegalArgumentException e) {
      // SettingException and the parts' configuration classes name the bad setting in an IllegalArgumentException
      System.err.println("lambdascope " + command.name() + ": " + e.getMessage());
      if (!(e instanceof Ports.PortTakenException)) {
        System.err.println("Try 'lambdascope " + command.name() + " --help'.");
      }
      status = 2;
    } catch (Exception e) {
      System.err.println("lambdascope " + command.name() + " failed: " + e);
      status = 1;
    }
    System.exit(status);
  }

  private static void printUsage(PrintStream out, Map<String, Command> commands) {
    out.println("Usage: lambdascope <command> [options]");
    out.println();
    out.println("Commands:");
    for (Command c : commands.values()) {
      out.printf("  %-10s %s%n", c.name(), c.summary());
    }
    out.println();
    out.println("'lambdascope <command> --help' lists the options of a command.");
    out.println("Every option can also be set by its environment variable (docs/configuration.md).");
  }

  static void printHelp(PrintStream out, Command command) {
    out.println("Usage: lambdascope " + command.name() + " " + command.usage());
    out.println();
    out.println(command.summary());
    if (!command.settings().isEmpty()) {
      out.println();
      out.println("Options (flag / environment variable, default):");
      for (Setting<?> s : command.settings()) {
        out.printf("  %s %s%n      %s, default %s%n      %s%n", s.flag(), s.metavar(), s.name(), s.defaultText(),
            s.description());
      }
      out.println();
      out.println("Durations are written 250ms, 10s, 5m, 1h or 7d; sizes in bytes or with KiB, MiB, GiB.");
    }
  }
}
