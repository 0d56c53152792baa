/** What the Lambda execution environment tells the agent: the Context, the environment, X-Ray, /proc. */
package io.lambdascope.agent.internal.lambda;
