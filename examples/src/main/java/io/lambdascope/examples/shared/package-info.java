/** What the example functions share: settings from the environment and the SQS client. */
package io.lambdascope.examples.shared;
