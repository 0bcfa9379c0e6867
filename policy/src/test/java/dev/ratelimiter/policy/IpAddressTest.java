package dev.ratelimiter.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("IP address literals")
class IpAddressTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "192.0.2.1, 192.0.2.1",
    "0.0.0.0, 0.0.0.0",
    "2001:0db8:0:0:0:0:0:0001, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:1:0:0:0:0:0, 2001:db8:1::",
    "0:0:0:0:0:0:0:0, ::",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "FD00::ABCD, fd00::abcd",
    "::ffff:198.51.100.4, 198.51.100.4",
    "fe80::1%eth0, fe80::1",
  })
  @DisplayName("are printed canonically: dotted quad, RFC 5952 for IPv6, IPv4-mapped as IPv4")
  void canonical(String text, String canonical) {
    assertThat(IpAddress.parse(text)).hasToString(canonical);
  }

  @org.junit.jupiter.api.Test
  @DisplayName("every dotted quad reads as the JDK reads it, and prints as it was written")
  void everyQuad() throws Exception {
    java.util.Random random = new java.util.Random(7);
    for (int n = 0; n < 20_000; n++) {
      String text =
          random.nextInt(256)
              + "."
              + random.nextInt(256)
              + "."
              + random.nextInt(256)
              + "."
              + random.nextInt(256);
      IpAddress parsed = IpAddress.parse(text);
      assertThat(parsed).hasToString(text);
      assertThat(parsed)
          .isEqualTo(IpAddress.parse("::ffff:" + text)); // the same bytes by the IPv6 path
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "example.com",
        "256.0.0.1",
        "1.2.3",
        "1.2.3.4.5",
        "010.0.0.1",
        "1.2.3.-4",
        "1:2:3:4:5:6:7:8:9",
        "::g",
        ".1::",
        "1.2.3.4 ",
        "1..2.3",
        ".1.2.3",
        "1.2.3.",
        "1.2.3.00",
        "1.2.3.1000",
        "1.2.3.4a",
        "",
        "."
      })
  @DisplayName("are refused when not an exact literal (never looked up as a name)")
  void refused(String text) {
    assertThat(IpAddress.parse(text)).isNull();
  }
}
