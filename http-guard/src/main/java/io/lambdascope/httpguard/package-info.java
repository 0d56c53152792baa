/**
 * What every Lambdascope HTTP port enforces before a request reaches its routes, shared by the
 * collector and the processor so both follow one set of rules: bearer tokens to tenants (from a
 * variable or a file), no listening beyond loopback without tokens unless explicitly allowed, TLS
 * from PEM files, and deadlines that close connections of clients too slow to send a request.
 */
package io.lambdascope.httpguard;
