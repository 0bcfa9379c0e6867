package dev.ratelimiter.operator;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parses IPv4/IPv6 CIDRs without ever doing a DNS lookup. */
public final class Cidr {

  private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
  private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9a-fA-F:.]+$");

  private Cidr() {}

  /** The prefix length of a valid CIDR. */
  public static int prefixLength(String cidr) {
    return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
  }

  public static boolean isValid(String cidr) {
    if (cidr == null) {
      return false;
    }
    int slash = cidr.indexOf('/');
    if (slash <= 0 || slash != cidr.lastIndexOf('/') || slash == cidr.length() - 1) {
      return false;
    }
    String addr = cidr.substring(0, slash);
    String len = cidr.substring(slash + 1);
    if (!len.chars().allMatch(Character::isDigit) || len.length() > 3) {
      return false;
    }
    int prefix = Integer.parseInt(len);
    var v4 = IPV4.matcher(addr);
    if (v4.matches()) {
      for (int g = 1; g <= 4; g++) {
        if (Integer.parseInt(v4.group(g)) > 255) {
          return false;
        }
      }
      return prefix <= 32;
    }
    if (!addr.contains(":") || !IPV6_CHARS.matcher(addr).matches()) {
      return false;
    }
    try {
      // only hex digits, ':' and '.' reach here, so this parses a literal and never resolves a name
      return InetAddress.getByName(addr).getAddress().length == 16 && prefix <= 128;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
