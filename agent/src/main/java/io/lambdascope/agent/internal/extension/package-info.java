/**
 * The agent as an internal Lambda extension: a thread of the function's JVM that registers during init, receives
 * platform events from the Telemetry API, and sends each invocation's span and events after the runtime posted
 * the response, before it calls {@code next} again.
 */
package io.lambdascope.agent.internal.extension;
