/** The join of an invocation's span with its platform report: pending entries, waits, the provisional-timeout grace, the decision. */
package io.lambdascope.processor.join;
