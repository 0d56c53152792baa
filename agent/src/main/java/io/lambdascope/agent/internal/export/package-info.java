/** How spans leave the function: OTLP protobuf encoding, the retry buffer, the HTTP client and TLS. */
package io.lambdascope.agent.internal.export;
