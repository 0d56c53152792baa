/** The Prometheus alert rules and Alertmanager example as shipped in the jar, and rule time scaling for tests. */
package io.lambdascope.alerts;
