/** Load scenarios and the runner that drives them through the emulator's Invoke API and SQS. */
package io.lambdascope.emulator.scenario;
