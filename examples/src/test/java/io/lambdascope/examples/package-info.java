/** Tests of the example functions, called directly. */
package io.lambdascope.examples;
