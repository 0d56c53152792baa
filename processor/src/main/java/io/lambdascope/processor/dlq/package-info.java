/**
 * The DLQ watcher: dead-letter queue depth, oldest-message age and last successful read, and source
 * queues' visibility timeouts, through the SQS API; queues in any region and account; one replica
 * of the cluster polls the DLQs (the one running the task of input partition 0).
 */
package io.lambdascope.processor.dlq;
