/** Duplicate deliveries: the dedup window of first deliveries by dedup key, checked once per arriving span, and the kinds of repeats. */
package io.lambdascope.processor.dedup;
