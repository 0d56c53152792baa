/** A plain handler and its invoker, run in a JVM of their own with the agent by the end-to-end tests. */
package io.lambdascope.launcher.sample;
