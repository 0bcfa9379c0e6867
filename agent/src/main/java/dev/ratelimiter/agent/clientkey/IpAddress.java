package dev.ratelimiter.agent.clientkey;

import io.netty.util.NetUtil;

import java.util.Arrays;

/**
 * An IP address as bytes, parsed without any DNS lookup. IPv4-mapped IPv6 addresses
 * ({@code ::ffff:192.0.2.1}) are read as the IPv4 address they carry, so one client is one key.
 */
public final class IpAddress {

    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @return the address, or null when the text is not an IP literal */
    public static IpAddress parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return null;
        }
        String literal = text;
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        return new IpAddress(bytes);
    }

    public boolean isIpv4() {
        return bytes.length == 4;
    }

    byte[] bytes() {
        return bytes;
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
        return NetUtil.bytesToIpAddress(bytes);
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
