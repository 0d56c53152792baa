/**
 * The configuration reader: what the Lambda API says about the functions this replica owns (timeout, memory,
 * reserved and provisioned concurrency, SQS event source mappings and their queues' visibility timeout) and about
 * their accounts' concurrency limits, read in the background and served as gauges and to the findings.
 */
package io.lambdascope.processor.awsconfig;
