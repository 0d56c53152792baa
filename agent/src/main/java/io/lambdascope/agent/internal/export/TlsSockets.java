package io.lambdascope.agent.internal.export;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** TLS for https endpoints, in its own class so the JSSE classes load only when an https endpoint is used. */
final class TlsSockets {
    private TlsSockets() {
    }

    static Socket wrap(Socket plain, String host, int port, long deadlineNanos) throws IOException {
        SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                .createSocket(plain, host, port, true);
        SSLParameters params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(params);
        long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (remaining <= 0) {
            throw new SocketTimeoutException("flush budget spent before the TLS handshake");
        }
        tls.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remaining));
        tls.startHandshake();
        return tls;
    }
}
