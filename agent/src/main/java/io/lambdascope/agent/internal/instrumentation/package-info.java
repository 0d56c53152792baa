/** How the agent gets called: the class file transformer, the bytecode rewriting and the hooks it inserts. */
package io.lambdascope.agent.internal.instrumentation;
