/** A scheduled job that meets SQS throttling under load. */
package io.lambdascope.examples.jobs;
