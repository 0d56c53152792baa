/** The collector's own meters (docs/telemetry.md section 5), registered once. */
package io.lambdascope.collector.meters;
