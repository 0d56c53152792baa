package io.lambdascope.launcher;

import java.util.List;

/** The subcommands, in the order {@code lambdascope --help} lists them. */
final class Commands {
  private Commands() {}

  static List<Command> all() {
    return List.of(ServeCommand.all(), ServeCommand.collector(), ServeCommand.processor(), new EmulatorCommand(), new DemoCommand(), new TailCommand());
  }
}
