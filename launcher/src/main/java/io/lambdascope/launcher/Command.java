package io.lambdascope.launcher;

import java.util.List;

/** A subcommand of {@code bin/lambdascope}. */
interface Command {
  String name();

  String summary();

  /** What follows the command name in the usage line, after the options. */
  default String usage() {
    return "[options]";
  }

  List<Setting> settings();

  /** Runs the command; returns the process exit status. */
  int run(Settings settings) throws Exception;
}
