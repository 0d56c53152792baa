/** The HTTP port: /metrics, health, /api/findings, and /api/invocations with the ring of recent invocations it serves. */
package io.lambdascope.processor.http;
