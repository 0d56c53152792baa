/** One handler invocation from entry to export: its state, the recorder that fills it in, the timeout watchdog. */
package io.lambdascope.agent.internal.invocation;
