package io.lambdascope.launcher;

import io.lambdascope.settings.Setting;
import io.lambdascope.settings.Settings;
import java.util.List;

/** A subcommand of {@code bin/lambdascope}. */
interface Command {
  String name();

  String summary();

  /** What follows the command name in the usage line, after the options. */
  default String usage() {
    return "[options]";
  }

  /** The settings it reads, each with a flag. */
  List<Setting<?>> settings();

  /** Runs the command with the environment overlaid with its flags; returns the process exit status. */
  int run(Settings settings) throws Exception;
}
