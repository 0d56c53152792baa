/** A local AWS Lambda: the emulator, its settings, the functions file and the queues it creates. */
package io.lambdascope.emulator;
