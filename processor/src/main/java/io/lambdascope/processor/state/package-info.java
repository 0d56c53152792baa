/** State shared by the processors: the function registry, the bounds on functions and label values, store key and value encodings. */
package io.lambdascope.processor.state;
