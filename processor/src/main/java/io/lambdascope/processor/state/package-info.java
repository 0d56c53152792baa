/**
 * State: the object store the processors keep their state in (changelogged once per commit, published
 * for readers once committed), the function registry with its bounds and TTL, the environments, and
 * the RocksDB memory cap.
 */
package io.lambdascope.processor.state;
