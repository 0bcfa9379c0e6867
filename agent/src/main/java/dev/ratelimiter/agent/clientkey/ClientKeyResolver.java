package dev.ratelimiter.agent.clientkey;

import dev.ratelimiter.agent.policy.ClientKeyPolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * Works out which client a request is counted against: the TCP peer, unless the peer is a trusted
 * proxy; then the right-most address of {@code Forwarded} (preferred) or {@code X-Forwarded-For}
 * that is not itself a trusted proxy. A malformed header never fails a request: the peer is used.
 * IPv6 clients are grouped by prefix, since one host usually holds a whole /64.
 */
public final class ClientKeyResolver {

    private ClientKeyResolver() {
    }

    /**
     * @param peer           the TCP peer's address text
     * @param forwarded      all {@code Forwarded} header values, in order (may be empty)
     * @param xForwardedFor  all {@code X-Forwarded-For} header values, in order (may be empty)
     * @return the canonical client key (an address or an IPv6 prefix like {@code 2001:db8::/64})
     */
    public static String resolve(ClientKeyPolicy policy, String peer, List<String> forwarded, List<String> xForwardedFor) {
        IpAddress peerAddress = IpAddress.parse(peer);
        if (peerAddress == null) {
            return peer == null ? "unknown" : peer;
        }
        IpAddress client = peerAddress;
        if (isTrusted(policy, peerAddress)) {
            List<IpAddress> hops = !forwarded.isEmpty() ? ForwardedHeaders.parseForwarded(forwarded)
                    : !xForwardedFor.isEmpty() ? ForwardedHeaders.parseXForwardedFor(xForwardedFor) : List.of();
            if (hops != null && !hops.isEmpty()) {
                client = rightMostUntrusted(policy, hops);
            }
        }
        return canonical(client, policy.ipv6PrefixLength());
    }

    static String canonical(IpAddress address, int ipv6PrefixLength) {
        if (address.isIpv4() || ipv6PrefixLength >= 128) {
            return address.toString();
        }
        return address.masked(ipv6PrefixLength) + "/" + ipv6PrefixLength;
    }

    private static IpAddress rightMostUntrusted(ClientKeyPolicy policy, List<IpAddress> hops) {
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (!isTrusted(policy, hops.get(i))) {
                return hops.get(i);
            }
        }
        // Every hop is a trusted proxy: the request started inside; the first hop is the client.
        return hops.get(0);
    }

    private static boolean isTrusted(ClientKeyPolicy policy, IpAddress address) {
        for (Cidr cidr : policy.trustedProxies()) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Parsers for the two forwarding headers; each returns null when any hop is malformed. */
    static final class ForwardedHeaders {

        private ForwardedHeaders() {
        }

        static List<IpAddress> parseXForwardedFor(List<String> values) {
            List<IpAddress> hops = new ArrayList<>();
            for (String value : values) {
                for (String part : value.split(",", -1)) {
                    IpAddress address = parseNode(part.trim());
                    if (address == null) {
                        return null;
                    }
                    hops.add(address);
                }
            }
            return hops;
        }

        /** RFC 7239: {@code for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"}. */
        static List<IpAddress> parseForwarded(List<String> values) {
            List<IpAddress> hops = new ArrayList<>();
            for (String value : values) {
                for (String element : value.split(",", -1)) {
                    IpAddress hop = null;
                    for (String pair : element.split(";", -1)) {
                        int eq = pair.indexOf('=');
                        if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("for")) {
                            hop = parseNode(unquote(pair.substring(eq + 1).trim()));
                            if (hop == null) {
                                return null;
                            }
                        }
                    }
                    if (hop == null) {
                        return null;
                    }
                    hops.add(hop);
                }
            }
            return hops;
        }

        /** An address with an optional port: {@code 192.0.2.1}, {@code 192.0.2.1:80}, {@code [2001:db8::1]:80}, {@code 2001:db8::1}. */
        private static IpAddress parseNode(String node) {
            if (node.startsWith("[")) {
                int close = node.indexOf(']');
                if (close < 0) {
                    return null;
                }
                String rest = node.substring(close + 1);
                if (!rest.isEmpty() && !validPort(rest)) {
                    return null;
                }
                return IpAddress.parse(node.substring(1, close));
            }
            int colon = node.indexOf(':');
            if (colon > 0 && colon == node.lastIndexOf(':')) {
                if (!validPort(node.substring(colon))) {
                    return null;
                }
                return IpAddress.parse(node.substring(0, colon));
            }
            return IpAddress.parse(node);
        }

        private static boolean validPort(String suffix) {
            if (suffix.length() < 2 || suffix.length() > 6 || suffix.charAt(0) != ':') {
                return false;
            }
            for (int i = 1; i < suffix.length(); i++) {
                if (!Character.isDigit(suffix.charAt(i))) {
                    return false;
                }
            }
            return true;
        }

        private static String unquote(String value) {
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                return value.substring(1, value.length() - 1);
            }
            return value;
        }
    }
}
