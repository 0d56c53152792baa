package io.lambdascope.agent.internal.lambda;

import io.lambdascope.agent.internal.export.Resolver;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The address the Telemetry listener binds: the one {@code sandbox.localdomain} (the host name AWS tells
 * subscribers to use) resolves to inside the execution environment, else loopback. {@code /etc/hosts} is read
 * first, so no DNS query is made where the name is listed there; otherwise one lookup, bounded.
 */
public final class SandboxAddress {
    public static final String HOST = "sandbox.localdomain";

    private SandboxAddress() {
    }

    public static InetAddress find(String hostsFile, Resolver resolver, long deadlineNanos) {
        try {
            InetAddress listed = fromHostsFile(hostsFile);
            if (listed != null) {
                return listed;
            }
        } catch (IOException | RuntimeException e) {
            // no hosts file: ask the resolver
        }
        try {
            return resolver.resolve(HOST, deadlineNanos);
        } catch (IOException | RuntimeException e) {
            return InetAddress.getLoopbackAddress();
        }
    }

    static InetAddress fromHostsFile(String hostsFile) throws IOException {
        byte[] bytes;
        try (InputStream in = new FileInputStream(hostsFile)) {
            bytes = in.readNBytes(256 * 1024);
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            int to = nl < 0 ? text.length() : nl;
            String line = text.substring(from, to);
            from = to + 1;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            String address = null;
            int i = 0;
            while (i < line.length()) {
                while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    break;
                }
                String token = line.substring(start, i);
                if (address == null) {
                    address = token;
                } else if (token.equalsIgnoreCase(HOST) && Resolver.isLiteral(address)) {
                    return InetAddress.getByName(address);
                }
            }
        }
        return null;
    }
}
