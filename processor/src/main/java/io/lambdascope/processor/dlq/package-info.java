/** The DLQ watcher: dead-letter queue depth and oldest-message age, and source queues' visibility timeouts, through the SQS API. */
package io.lambdascope.processor.dlq;
