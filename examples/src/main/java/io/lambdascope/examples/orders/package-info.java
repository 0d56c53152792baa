/** An SQS order worker that times out, is redelivered and fills its dead-letter queue when payments are slow. */
package io.lambdascope.examples.orders;
