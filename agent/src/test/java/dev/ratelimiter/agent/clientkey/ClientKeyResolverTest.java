package dev.ratelimiter.agent.clientkey;

import dev.ratelimiter.agent.policy.ClientKeyPolicy;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientKeyResolverTest {

    private static final ClientKeyPolicy NO_PROXIES = ClientKeyPolicy.remoteAddress();
    private static final ClientKeyPolicy BEHIND_PROXY = new ClientKeyPolicy(
            List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")), 64);

    private static String resolve(ClientKeyPolicy policy, String peer, List<String> forwarded, List<String> xff) {
        return ClientKeyResolver.resolve(policy, peer, forwarded, xff);
    }

    @Test
    @DisplayName("Without trusted proxies the TCP peer is the client, whatever the headers claim")
    void untrustedPeerHeadersIgnored() {
        assertThat(resolve(NO_PROXIES, "203.0.113.9", List.of("for=198.51.100.1"), List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
        assertThat(resolve(BEHIND_PROXY, "203.0.113.9", List.of(), List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
    }

    @Test
    @DisplayName("Behind a trusted proxy the right-most untrusted X-Forwarded-For hop is the client")
    void rightMostUntrustedXff() {
        assertThat(resolve(BEHIND_PROXY, "10.1.2.3", List.of(), List.of("198.51.100.1, 203.0.113.7, 10.9.9.9"))).isEqualTo("203.0.113.7");
        assertThat(resolve(BEHIND_PROXY, "10.1.2.3", List.of(), List.of("198.51.100.1", "203.0.113.7:4711"))).isEqualTo("203.0.113.7");
    }

    @Test
    @DisplayName("Forwarded (RFC 7239) is read with quotes, ports and IPv6 brackets, and wins over X-Forwarded-For")
    void forwardedHeader() {
        assertThat(resolve(BEHIND_PROXY, "10.1.2.3", List.of("for=192.0.2.60;proto=http;by=10.0.0.1, for=\"10.0.0.7:80\""),
                List.of("198.51.100.1"))).isEqualTo("192.0.2.60");
        assertThat(resolve(BEHIND_PROXY, "10.1.2.3", List.of("For=\"[2001:db8:cafe::17]:4711\""), List.of()))
                .isEqualTo("2001:db8:cafe::/64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-an-ip", "198.51.100.1, , 10.0.0.1", "999.1.1.1", "[2001:db8::1", "1.2.3.4:http", "example.com"})
    @DisplayName("A malformed X-Forwarded-For falls back to the peer, never to an error or a DNS lookup")
    void malformedXffFallsBack(String header) {
        assertThat(resolve(BEHIND_PROXY, "10.1.2.3", List.of(), List.of(header))).isEqualTo("10.1.2.3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"for=unknown", "for=_hidden", "proto=https", "for=\"[::1\""})
    @DisplayName("A Forwarded header without a usable address falls back to the peer")
    void malformedForwardedFallsBack(String header) {
        assertThat(resolve(BEHIND_PROXY, "10.1.2.3", List.of(header), List.of("198.51.100.1"))).isEqualTo("10.1.2.3");
    }

    @Test
    @DisplayName("When every hop is a trusted proxy the request began inside, and its first hop is the client")
    void allTrusted() {
        assertThat(resolve(BEHIND_PROXY, "10.1.2.3", List.of(), List.of("10.5.5.5, 10.6.6.6"))).isEqualTo("10.5.5.5");
    }

    @Test
    @DisplayName("IPv6 clients are counted per /64 by default and per address with prefix 128")
    void ipv6Prefix() {
        assertThat(resolve(NO_PROXIES, "2001:db8:1:2:aaaa::1", List.of(), List.of())).isEqualTo("2001:db8:1:2::/64");
        assertThat(resolve(NO_PROXIES, "2001:db8:1:2:bbbb::9", List.of(), List.of())).isEqualTo("2001:db8:1:2::/64");
        ClientKeyPolicy perAddress = new ClientKeyPolicy(List.of(), 128);
        assertThat(resolve(perAddress, "2001:0db8:0:0:0:0:0:0001", List.of(), List.of())).isEqualTo("2001:db8::1");
    }

    @Test
    @DisplayName("IPv4-mapped IPv6 peers count as the IPv4 client they are")
    void ipv4Mapped() {
        assertThat(resolve(NO_PROXIES, "::ffff:198.51.100.4", List.of(), List.of())).isEqualTo("198.51.100.4");
    }

    @Test
    @DisplayName("CIDRs match by prefix and never across address families")
    void cidr() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(IpAddress.parse("10.255.0.1"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(IpAddress.parse("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3").contains(IpAddress.parse("10.1.2.3"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(IpAddress.parse("::1"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
    }
}
