/** Programs the emulator's tests put into layers: a recording external extension. */
package io.lambdascope.emulator.testing;
