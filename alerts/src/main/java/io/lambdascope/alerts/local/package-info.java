/** A real Prometheus and Alertmanager on loopback, and a webhook receiver: for the demo and the tests. */
package io.lambdascope.alerts.local;
