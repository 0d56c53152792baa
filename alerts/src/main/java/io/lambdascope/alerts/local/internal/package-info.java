/** Child processes and bounded waiting for the local Prometheus and Alertmanager. */
package io.lambdascope.alerts.local.internal;
