/** The emulator's insides: Runtime and Invoke API servers, execution environments, event sources, platform events. */
package io.lambdascope.emulator.internal;
