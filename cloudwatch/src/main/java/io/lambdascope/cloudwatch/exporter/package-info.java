/** Runs inside the CloudWatch exporter's JVM only, against the exporter's own AWS SDK. */
package io.lambdascope.cloudwatch.exporter;
