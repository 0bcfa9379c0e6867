package dev.ratelimiter.policy;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a block of
 * one.
 */
public final class Cidr {

  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final String IPV4 = OCTET + "(\\." + OCTET + "){3}(/(3[0-2]|[12]?[0-9]))?";
  private static final String IPV6 =
      "[0-9a-fA-F.]*:[0-9a-fA-F:.]*(/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))?";

  /**
   * The shape of an address or CIDR, for schemas: an IPv4 block exactly (no leading zeros, prefix
   * at most 32), an IPv6 block loosely (prefix at most 128); {@link #parse} decides exactly.
   */
  public static final String PATTERN = "^(" + IPV4 + "|" + IPV6 + ")$";

  private static final java.util.regex.Pattern PREFIX =
      java.util.regex.Pattern.compile("0|[1-9][0-9]{0,2}");

  /**
   * Longest text of an address block: a full IPv6 address with an embedded IPv4 one and a prefix.
   */
  public static final int MAX_TEXT_LENGTH = 49;

  private final IpAddress network;
  private final int prefixLength;

  private Cidr(IpAddress network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /**
   * @throws IllegalArgumentException with a message fit for a user
   */
  public static Cidr parse(String text) {
    String trimmed = text == null ? "" : text;
    if (trimmed.length() > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a CIDR like 10.0.0.0/8 or fd00::/8");
    }
    int slash = trimmed.indexOf('/');
    String addressPart = slash < 0 ? trimmed : trimmed.substring(0, slash);
    IpAddress address = IpAddress.parse(addressPart);
    if (address == null) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a CIDR like 10.0.0.0/8 or fd00::/8");
    }
    int max = address.isIpv4() ? 32 : 128;
    int prefix = max;
    if (slash >= 0) {
      String digits = trimmed.substring(slash + 1);
      prefix = PREFIX.matcher(digits).matches() ? Integer.parseInt(digits) : -1;
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException(
            "'" + text + "' has a prefix length outside 0 .. " + max);
      }
    }
    return new Cidr(address.masked(prefix), prefix);
  }

  public int prefixLength() {
    return prefixLength;
  }

  public boolean contains(IpAddress address) {
    return address != null
        && address.isIpv4() == network.isIpv4()
        && address.masked(prefixLength).equals(network);
  }

  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }

  /**
   * Same block: same network and prefix length (so an identical re-pushed policy is recognised).
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr other
        && prefixLength == other.prefixLength
        && network.equals(other.network);
  }

  @Override
  public int hashCode() {
    return 31 * network.hashCode() + prefixLength;
  }
}
