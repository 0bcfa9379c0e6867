package dev.ratelimiter.agent.clientkey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.policy.Cidr;
import dev.ratelimiter.policy.ClientKeyPolicy;
import dev.ratelimiter.policy.ForwardedHeader;
import dev.ratelimiter.policy.IpAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientKeyResolverTest {

  private static final List<Cidr> PROXIES =
      List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));
  private static final ClientKeyPolicy NO_PROXIES = ClientKeyPolicy.remoteAddress();
  private static final ClientKeyPolicy BEHIND_XFF =
      new ClientKeyPolicy(PROXIES, 64, ForwardedHeader.XForwardedFor);
  private static final ClientKeyPolicy BEHIND_FORWARDED =
      new ClientKeyPolicy(PROXIES, 64, ForwardedHeader.Forwarded);

  private static String resolve(ClientKeyPolicy policy, String peer, String... headerValues) {
    return ClientKeyResolver.resolve(policy, peer, List.of(headerValues));
  }

  @Test
  @DisplayName("Without trusted proxies the TCP peer is the client, whatever the headers claim")
  void untrustedPeerHeadersIgnored() {
    assertThat(resolve(NO_PROXIES, "203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
    assertThat(resolve(BEHIND_XFF, "203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
  }

  @Test
  @DisplayName(
      "Peers taking turns on one thread (its parsed peer is remembered) are each judged as themselves")
  void peersTakingTurns() {
    for (int round = 0; round < 3; round++) {
      assertThat(resolve(BEHIND_XFF, "10.1.2.3", "198.51.100.1")).isEqualTo("198.51.100.1");
      assertThat(resolve(BEHIND_XFF, "203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
      assertThat(resolve(BEHIND_XFF, "fd00::1", "198.51.100.1")).isEqualTo("198.51.100.1");
      assertThat(resolve(BEHIND_XFF, "not-an-address", "198.51.100.1")).isEqualTo("not-an-address");
      assertThat(resolve(BEHIND_XFF, null, "198.51.100.1")).isEqualTo("unknown");
      assertThat(ClientKeyResolver.fromTrustedProxy(BEHIND_XFF, "10.1.2.3")).isTrue();
      assertThat(ClientKeyResolver.fromTrustedProxy(BEHIND_XFF, "10.1.2.4")).isTrue();
      assertThat(ClientKeyResolver.fromTrustedProxy(BEHIND_XFF, "11.1.2.4")).isFalse();
    }
  }

  @Test
  @DisplayName("Behind a trusted proxy the right-most untrusted X-Forwarded-For hop is the client")
  void rightMostUntrustedXff() {
    assertThat(resolve(BEHIND_XFF, "10.1.2.3", "198.51.100.1, 203.0.113.7, 10.9.9.9"))
        .isEqualTo("203.0.113.7");
    assertThat(resolve(BEHIND_XFF, "10.1.2.3", "198.51.100.1", "203.0.113.7:4711"))
        .isEqualTo("203.0.113.7");
    assertThat(resolve(BEHIND_XFF, "10.1.2.3"))
        .as("no header: the proxy itself")
        .isEqualTo("10.1.2.3");
  }

  @Test
  @DisplayName(
      "Forwarded (RFC 7239), when it is the configured header, is read with quotes, ports and IPv6 brackets")
  void forwardedHeader() {
    assertThat(
            resolve(
                BEHIND_FORWARDED,
                "10.1.2.3",
                "for=192.0.2.60;proto=http;by=10.0.0.1, for=\"10.0.0.7:80\""))
        .isEqualTo("192.0.2.60");
    assertThat(resolve(BEHIND_FORWARDED, "10.1.2.3", "For=\"[2001:db8:cafe::17]:4711\""))
        .isEqualTo("2001:db8:cafe::/64");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.1.1.1",
        "not-an-ip, 2.2.2.2",
        "for=\"[::1\", 3.3.3.3",
        "198.51.100.1, 198.51.100.2, 198.51.100.3"
      })
  @DisplayName("Entries left of the first untrusted hop cannot change the key")
  void leftEntriesIgnored(String clientWritten) {
    // A trusted proxy appended the real client 203.0.113.7 after whatever the client sent.
    assertThat(resolve(BEHIND_XFF, "10.1.2.3", clientWritten + ", 203.0.113.7"))
        .isEqualTo("203.0.113.7");
    assertThat(resolve(BEHIND_XFF, "10.1.2.3", clientWritten, "203.0.113.7, 10.4.4.4"))
        .isEqualTo("203.0.113.7");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not-an-ip",
        "198.51.100.1, ",
        "999.1.1.1",
        "[2001:db8::1",
        "1.2.3.4:http",
        "example.com",
        "",
        "unknown"
      })
  @DisplayName(
      "An unparsable X-Forwarded-For entry at the client's position counts under the proxy that sent it")
  void malformedXffCountsUnderThePeer(String header) {
    assertThat(resolve(BEHIND_XFF, "10.1.2.3", header)).isEqualTo("10.1.2.3");
  }

  @Test
  @DisplayName(
      "An unparsable entry behind a chain of proxies counts under the trusted hop right of it, never the peer's neighbours")
  void malformedBehindChain() {
    assertThat(resolve(BEHIND_XFF, "10.1.2.3", "198.51.100.1, garbage, 10.7.7.7"))
        .isEqualTo("10.7.7.7");
    assertThat(resolve(BEHIND_XFF, "10.1.2.3", "garbage", "10.7.7.7, 10.8.8.8"))
        .isEqualTo("10.7.7.7");
    assertThat(resolve(BEHIND_FORWARDED, "10.1.2.3", "for=unknown, for=10.7.7.7"))
        .isEqualTo("10.7.7.7");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "for=unknown",
        "for=_hidden",
        "proto=https",
        "for=\"[::1\"",
        "for=198.51.100.1, by=10.0.0.1"
      })
  @DisplayName("A Forwarded element without a usable address counts under the proxy that sent it")
  void malformedForwardedCountsUnderThePeer(String header) {
    assertThat(resolve(BEHIND_FORWARDED, "10.1.2.3", header)).isEqualTo("10.1.2.3");
  }

  @Test
  @DisplayName("A quote the client leaves open cannot swallow the entry its proxy appended")
  void openQuoteCannotSwallow() {
    assertThat(resolve(BEHIND_FORWARDED, "10.1.2.3", "for=\"198.51.100.1, for=203.0.113.7"))
        .isEqualTo("203.0.113.7");
  }

  @Test
  @DisplayName(
      "Only the configured header is believed: with X-Forwarded-For, a client's Forwarded header is never read (and vice versa)")
  void onlyTheConfiguredHeader() {
    // The resolver is given the values of the configured header only; the handler never reads the
    // other.
    assertThat(BEHIND_XFF.forwardedHeader().headerName()).isEqualTo("X-Forwarded-For");
    assertThat(BEHIND_FORWARDED.forwardedHeader().headerName()).isEqualTo("Forwarded");
    assertThat(resolve(BEHIND_XFF, "10.1.2.3", "for=198.51.100.9"))
        .as("Forwarded syntax in XFF is not an address")
        .isEqualTo("10.1.2.3");
  }

  @Test
  @DisplayName(
      "When every hop is a trusted proxy the request began inside, and its first hop is the client")
  void allTrusted() {
    assertThat(resolve(BEHIND_XFF, "10.1.2.3", "10.5.5.5, 10.6.6.6")).isEqualTo("10.5.5.5");
  }

  @Test
  @DisplayName("IPv6 clients are counted per /64 by default and per address with prefix 128")
  void ipv6Prefix() {
    assertThat(resolve(NO_PROXIES, "2001:db8:1:2:aaaa::1")).isEqualTo("2001:db8:1:2::/64");
    assertThat(resolve(NO_PROXIES, "2001:db8:1:2:bbbb::9")).isEqualTo("2001:db8:1:2::/64");
    ClientKeyPolicy perAddress = new ClientKeyPolicy(List.of(), 128, ForwardedHeader.XForwardedFor);
    assertThat(resolve(perAddress, "2001:0db8:0:0:0:0:0:0001")).isEqualTo("2001:db8::1");
    ClientKeyPolicy perSite = new ClientKeyPolicy(List.of(), 48, ForwardedHeader.XForwardedFor);
    assertThat(resolve(perSite, "2001:db8:1:2::1"))
        .isEqualTo(resolve(perSite, "2001:db8:1:ffff::1"))
        .isEqualTo("2001:db8:1::/48");
  }

  @Test
  @DisplayName("IPv4-mapped IPv6 peers count as the IPv4 client they are")
  void ipv4Mapped() {
    assertThat(resolve(NO_PROXIES, "::ffff:198.51.100.4")).isEqualTo("198.51.100.4");
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
