/** Test doubles shared by the modules' tests and the benchmarks. */
package io.lambdascope.testing;
