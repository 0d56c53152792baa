/**
 * Prometheus's CloudWatch exporter for the signals only AWS sees (throttles, concurrency, asynchronous event age
 * and drops, SQS queue figures): its configuration ({@code cloudwatch/cloudwatch-exporter.yml}) and running it as
 * users do, in its own JVM. docs/cloudwatch.md.
 */
package io.lambdascope.cloudwatch;
