package dev.ratelimiter.agent.clientkey;

import dev.ratelimiter.policy.Cidr;
import dev.ratelimiter.policy.ClientKeyPolicy;
import dev.ratelimiter.policy.ForwardedHeader;
import dev.ratelimiter.policy.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Works out which client a request is counted against: the TCP peer, unless the peer is a trusted
 * proxy. Then the policy's one forwarding header ({@code clientKey.forwardedHeader}) is walked from
 * the right: each trusted proxy is passed, and the first address that is not a trusted proxy is the
 * client. Entries left of it were written by the client itself and cannot change the key. An entry
 * that cannot be parsed where the client's address should be counts under the address of the
 * trusted proxy that added it (the hop to its right, or the TCP peer): never an error, and never a
 * new key per request. IPv6 clients are grouped by prefix, since one host usually holds a whole
 * /64.
 */
public final class ClientKeyResolver {

  private ClientKeyResolver() {}

  /**
   * @param peer the TCP peer's address text
   * @param forwardedFor all values of the header named by the policy's {@code forwardedHeader}, in
   *     order (may be empty)
   * @return the canonical client key (an address or an IPv6 prefix like {@code 2001:db8::/64})
   */
  public static String resolve(ClientKeyPolicy policy, String peer, List<String> forwardedFor) {
    IpAddress client = resolveAddress(policy, peer, forwardedFor);
    if (client == null) {
      return peer == null ? "unknown" : peer;
    }
    return canonical(client, policy.ipv6PrefixLength());
  }

  /**
   * The client's address as {@link #resolve} works it out, before grouping by prefix (exemptions
   * are decided on it).
   *
   * @return the address, or null when the peer itself is not an IP address
   */
  public static IpAddress resolveAddress(
      ClientKeyPolicy policy, String peer, List<String> forwardedFor) {
    IpAddress peerAddress = parsePeer(peer);
    if (peerAddress == null) {
      return null;
    }
    IpAddress client = peerAddress;
    if (isTrusted(policy, peerAddress) && !forwardedFor.isEmpty()) {
      List<IpAddress> hops =
          policy.forwardedHeader() == ForwardedHeader.Forwarded
              ? ForwardedHeaders.parseForwarded(forwardedFor)
              : ForwardedHeaders.parseXForwardedFor(forwardedFor);
      client = walkFromRight(policy, peerAddress, hops);
    }
    return client;
  }

  /** A peer's text and what it parsed to. */
  private record ParsedPeer(String text, IpAddress address) {}

  /**
   * The last peer parsed on this thread. An agent's peers are few (its load balancer or gateway
   * replicas), and every request would otherwise parse the same text again; parsing is a function
   * of the text alone, so equal text is the same answer.
   */
  private static final ThreadLocal<ParsedPeer> LAST_PEER = new ThreadLocal<>();

  private static IpAddress parsePeer(String peer) {
    ParsedPeer last = LAST_PEER.get();
    if (last != null && last.text.equals(peer)) {
      return last.address;
    }
    IpAddress address = IpAddress.parse(peer);
    if (peer != null) {
      LAST_PEER.set(new ParsedPeer(peer, address));
    }
    return address;
  }

  /** Whether the TCP peer {@code peer} is one of the policy's trusted proxies. */
  public static boolean fromTrustedProxy(ClientKeyPolicy policy, String peer) {
    IpAddress address = parsePeer(peer);
    return address != null && isTrusted(policy, address);
  }

  /**
   * The key of a client whose address a trusted caller has already worked out (Envoy's {@code
   * remote_address} descriptor entry): canonical text, IPv6 grouped by the policy's prefix.
   *
   * @return the key, or null when {@code address} is not an IP address
   */
  public static String canonicalAddress(ClientKeyPolicy policy, String address) {
    IpAddress parsed = IpAddress.parse(address == null ? null : address.trim());
    return parsed == null ? null : canonical(parsed, policy.ipv6PrefixLength());
  }

  public static String canonical(IpAddress address, int ipv6PrefixLength) {
    if (address.isIpv4() || ipv6PrefixLength >= 128) {
      return address.toString();
    }
    return address.masked(ipv6PrefixLength) + "/" + ipv6PrefixLength;
  }

  /**
   * @param hops the header's entries, left to right; null where an entry is not an address
   * @return the first untrusted hop from the right; the trusted hop right of an unparsable entry;
   *     or, when every hop is a trusted proxy (the request began inside), the left-most hop
   */
  private static IpAddress walkFromRight(
      ClientKeyPolicy policy, IpAddress peer, List<IpAddress> hops) {
    IpAddress lastTrusted = peer;
    for (int i = hops.size() - 1; i >= 0; i--) {
      IpAddress hop = hops.get(i);
      if (hop == null) {
        return lastTrusted;
      }
      if (!isTrusted(policy, hop)) {
        return hop;
      }
      lastTrusted = hop;
    }
    return lastTrusted;
  }

  private static boolean isTrusted(ClientKeyPolicy policy, IpAddress address) {
    for (Cidr cidr : policy.trustedProxies()) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parsers for the two forwarding headers: one entry per hop, null where a hop is not an address.
   * Values are split at every comma, quoted or not: proxies append elements without commas, so a
   * quote a client leaves open cannot swallow the entries the proxies add after it.
   */
  static final class ForwardedHeaders {

    private ForwardedHeaders() {}

    static List<IpAddress> parseXForwardedFor(List<String> values) {
      if (values.size() == 1 && values.get(0).indexOf(',') < 0) {
        // the usual case, one proxy in front: one hop, nothing to split
        return java.util.Collections.singletonList(parseNode(values.get(0).trim()));
      }
      List<IpAddress> hops = new ArrayList<>();
      for (String value : values) {
        for (String part : value.split(",", -1)) {
          hops.add(parseNode(part.trim()));
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
            }
          }
          hops.add(hop);
        }
      }
      return hops;
    }

    /**
     * An address with an optional port: {@code 192.0.2.1}, {@code 192.0.2.1:80}, {@code
     * [2001:db8::1]:80}, {@code 2001:db8::1}.
     */
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
