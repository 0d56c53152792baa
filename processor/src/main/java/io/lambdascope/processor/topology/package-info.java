/** The topology, wired in one place: the named processors in the order a record passes them, and the named state stores each one uses. */
package io.lambdascope.processor.topology;
