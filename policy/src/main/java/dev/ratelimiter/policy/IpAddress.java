package dev.ratelimiter.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address as bytes, parsed without any DNS lookup. IPv4-mapped IPv6 addresses ({@code
 * ::ffff:192.0.2.1}) are read as the IPv4 address they carry, so one client is one key.
 */
public final class IpAddress {

  private static final int MAX_TEXT_LENGTH = 64;

  private final byte[] bytes;

  /** The canonical text when it is known at parse time (a dotted quad is its own), else null. */
  private final String text;

  private IpAddress(byte[] bytes) {
    this(bytes, null);
  }

  private IpAddress(byte[] bytes, String text) {
    this.bytes = bytes;
    this.text = text;
  }

  /**
   * @return the address, or null when the text is not an IP literal
   */
  public static IpAddress parse(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
      return null;
    }
    String literal = text;
    int zone = literal.indexOf('%');
    if (zone >= 0) {
      literal = literal.substring(0, zone);
    }
    if (literal.indexOf(':') < 0) {
      byte[] quad = parseIpv4(literal);
      // a dotted quad without leading zeros is already canonical: no text to build per request
      return quad == null ? null : new IpAddress(quad, literal);
    }
    byte[] bytes = parseIpv6(literal);
    if (bytes == null) {
      return null;
    }
    if (bytes.length == 16 && isIpv4Mapped(bytes)) {
      bytes = Arrays.copyOfRange(bytes, 12, 16);
    }
    return new IpAddress(bytes);
  }

  /**
   * Four decimal parts, each at most 255, without leading zeros (which some read as octal). Read in
   * one pass: it runs for every forwarded hop of every request.
   */
  private static byte[] parseIpv4(String text) {
    byte[] out = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.') {
        if (digits == 0 || part == 3) {
          return null;
        }
        out[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        if (digits == 1 && value == 0) {
          return null; // a leading zero
        }
        value = value * 10 + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else {
        return null;
      }
    }
    if (digits == 0 || part != 3) {
      return null;
    }
    out[3] = (byte) value;
    return out;
  }

  private static byte[] parseIpv6(String text) {
    if (!text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
      return null;
    }
    try {
      // In brackets the JDK parses an IPv6 literal or fails; it never resolves a name.
      return InetAddress.getByName("[" + text + "]").getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public boolean isIpv4() {
    return bytes.length == 4;
  }

  /** The address with every bit after the first {@code prefixLength} cleared. */
  public IpAddress masked(int prefixLength) {
    byte[] out = bytes.clone();
    for (int bit = prefixLength; bit < out.length * 8; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return new IpAddress(out);
  }

  /** Canonical text: dotted quad for IPv4, RFC 5952 compressed form for IPv6. */
  @Override
  public String toString() {
    if (text != null) {
      return text;
    }
    if (isIpv4()) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes "::"
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  private static boolean isIpv4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }
}
