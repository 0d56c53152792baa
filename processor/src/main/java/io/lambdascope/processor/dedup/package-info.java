/** Duplicate deliveries: the dedup window of first deliveries by dedup key, and the kinds of repeats. */
package io.lambdascope.processor.dedup;
