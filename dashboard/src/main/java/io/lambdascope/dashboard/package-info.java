/** The Grafana dashboards and provisioning files as shipped in the jar. */
package io.lambdascope.dashboard;
