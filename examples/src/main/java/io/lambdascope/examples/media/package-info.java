/** An asynchronous S3 upload processor whose bad uploads end in its on-failure destination. */
package io.lambdascope.examples.media;
