/** What every part of the agent shares: its settings, its one output channel (stderr) and reflective access. */
package io.lambdascope.agent.internal;
