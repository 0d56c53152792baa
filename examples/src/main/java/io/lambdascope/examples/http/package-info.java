/** An HTTP API function behind API Gateway that fails now and then, as real services do. */
package io.lambdascope.examples.http;
