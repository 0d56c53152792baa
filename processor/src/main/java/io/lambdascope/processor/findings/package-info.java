/** Findings: misconfigurations that explain failures, counted over a window per function and evaluated at read time. */
package io.lambdascope.processor.findings;
