/**
 * The emulator's CloudWatch: the metrics Lambda and SQS publish to {@code AWS/Lambda} and {@code AWS/SQS}, kept
 * as CloudWatch keeps them and served through the CloudWatch API the AWS SDK (and so Prometheus's CloudWatch
 * exporter) calls. docs/cloudwatch.md.
 */
package io.lambdascope.emulator.cloudwatch;
