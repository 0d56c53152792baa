/** The processor's API for the launcher: {@link io.lambdascope.processor.Processor} and its configuration; the sub-packages are internal. */
package io.lambdascope.processor;
