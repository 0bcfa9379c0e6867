package dev.ratelimiter.policy;

import java.util.List;

/**
 * How a request is mapped to the client it is counted against.
 *
 * @param trustedProxies the proxies' own addresses: only from these peers is the forwarded header
 *     believed
 * @param ipv6PrefixLength IPv6 clients are counted per prefix of this length (128 = per address)
 * @param forwardedHeader the one forwarding header believed from trusted proxies; the other is
 *     ignored
 * @param source where the client identity comes from
 * @param header with {@link ClientKeySource#Header}: the header's name (e.g. {@code X-Api-Key});
 *     else null
 * @param missing with {@link ClientKeySource#Header} or {@link ClientKeySource#Jwt}: what a request
 *     without the header or token gets
 * @param jwt with {@link ClientKeySource#Jwt}: which tokens are believed; else null
 */
public record ClientKeyPolicy(
    List<Cidr> trustedProxies,
    int ipv6PrefixLength,
    ForwardedHeader forwardedHeader,
    ClientKeySource source,
    String header,
    MissingHeader missing,
    JwtPolicy jwt) {

  /** An HTTP header name (an RFC 9110 token). */
  public static final String HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

  public static final int HEADER_NAME_MAX_LENGTH = 64;

  /**
   * Longer header values are treated as absent: a key is a hash, but hashing megabytes per request
   * is not free.
   */
  public static final int HEADER_VALUE_MAX_LENGTH = 1024;

  /** Clients by address. */
  public ClientKeyPolicy(
      List<Cidr> trustedProxies, int ipv6PrefixLength, ForwardedHeader forwardedHeader) {
    this(
        trustedProxies,
        ipv6PrefixLength,
        forwardedHeader,
        ClientKeySource.RemoteAddress,
        null,
        MissingHeader.RemoteAddress);
  }

  /** By a header or token value, without a JWT. */
  public ClientKeyPolicy(
      List<Cidr> trustedProxies,
      int ipv6PrefixLength,
      ForwardedHeader forwardedHeader,
      ClientKeySource source,
      String header,
      MissingHeader missing) {
    this(trustedProxies, ipv6PrefixLength, forwardedHeader, source, header, missing, null);
  }

  public boolean byHeader() {
    return source == ClientKeySource.Header;
  }

  public boolean byJwt() {
    return source == ClientKeySource.Jwt;
  }

  /** The same, with the JWKS the operator read in place of its reference. */
  public ClientKeyPolicy withJwt(JwtPolicy resolved) {
    return new ClientKeyPolicy(
        trustedProxies, ipv6PrefixLength, forwardedHeader, source, header, missing, resolved);
  }

  public static final int DEFAULT_IPV6_PREFIX = 64;

  /** A coarser prefix would lump whole providers' customers into one client. */
  public static final int MIN_IPV6_PREFIX = 32;

  public static final int MAX_IPV6_PREFIX = 128;
  public static final int MAX_TRUSTED_PROXIES = 64;

  public static ClientKeyPolicy remoteAddress() {
    return new ClientKeyPolicy(List.of(), DEFAULT_IPV6_PREFIX, ForwardedHeader.XForwardedFor);
  }

  public ClientKeyPolicy {
    trustedProxies = List.copyOf(trustedProxies);
  }
}
