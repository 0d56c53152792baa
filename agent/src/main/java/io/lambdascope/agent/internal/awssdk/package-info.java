/** The function's own AWS SDK v2 calls: throttled attempts, recorded on the invocation. */
package io.lambdascope.agent.internal.awssdk;
