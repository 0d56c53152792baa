/** What the collector lets in: bearer tokens to tenants (io.lambdascope.httpguard.TenantTokens), size and in-flight limits, and refusals with their reasons. */
package io.lambdascope.collector.admission;
