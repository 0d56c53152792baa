/** A function that sleeps, fails or exits as its input says, for the emulator's tests. */
package io.lambdascope.examples.probe;
