/** bin/lambdascope: its subcommands, their settings, and the demo's live table. */
package io.lambdascope.launcher;
