package dev.ratelimiter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The shared policy rules, case by case (policy-cases.yaml)")
class PolicyCasesTest {

  private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
      new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

  static List<PolicyCases.Case> cases() {
    return PolicyCases.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @DisplayName(
      "accept each valid case, refuse each invalid one naming its field, and read back what they render")
  void judgesEachCase(PolicyCases.Case c) throws Exception {
    if (c.valid()) {
      Policy policy = PolicyParser.parseSpec(c.spec());
      assertThat(PolicyParser.parseSpec(YAML.readTree(PolicyDocument.toYaml(policy))))
          .isEqualTo(policy);
    } else {
      InvalidPolicyException e =
          catchThrowableOfType(
              InvalidPolicyException.class, () -> PolicyParser.parseSpec(c.spec()));
      assertThat(e).as("refused").isNotNull();
      assertThat(e.field()).isEqualTo(c.field());
      assertThat(e.getMessage()).startsWith(c.field() + ": ");
    }
  }

  @Test
  @DisplayName("hold both valid and invalid cases, and the ones the rules are known to need")
  void tableCoversTheRules() {
    assertThat(cases()).filteredOn(PolicyCases.Case::valid).hasSizeGreaterThan(10);
    assertThat(cases())
        .extracting(PolicyCases.Case::name)
        .contains(
            "window 000001s (six digits)",
            "window 1d",
            "window 0s",
            "window 24h",
            "window 24h1s",
            "window 1h30m",
            "an IPv4 trusted proxy /0",
            "ipv6PrefixLength 31",
            "ipv6PrefixLength 32",
            "ipv6PrefixLength 128",
            "ipv6PrefixLength 129",
            "duplicate limit names",
            "17 limits",
            "requests 0",
            "requests 1e9",
            "requests 1e9+1",
            "SlidingWindow of 10000 requests per 24h",
            "SlidingWindow of 10001 requests",
            "TokenBucket burst 1e8+1",
            "burst on a FixedWindow",
            "mixed algorithms in one policy");
  }

  @Test
  @DisplayName("say why a size is refused: what the algorithm keeps per client")
  void messagesSayWhyASizeIsRefused() {
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "limits: [{name: a, requests: 10001, window: 1m, algorithm: SlidingWindow}]"))
        .hasMessage(
            "limits[0].requests: 10001 is too many for SlidingWindow, which remembers each admitted request of the"
                + " window per client: at most 10000; use FixedWindow or TokenBucket for larger quotas");
    assertThatThrownBy(
            () -> PolicyParser.parse("limits: [{name: a, requests: 1, window: 1m, burst: 3}]"))
        .hasMessage(
            "limits[0].burst: only a TokenBucket has a burst; remove it or set algorithm: TokenBucket");
  }

  @Test
  @DisplayName("give a TokenBucket the burst it names, else its requests, and render it back")
  void burstDefaultsToRequests() throws Exception {
    Limit plain =
        PolicyParser.parse("limits: [{name: a, requests: 7, window: 1m, algorithm: TokenBucket}]")
            .limits()
            .get(0);
    assertThat(plain.burst()).isEqualTo(7);
    Policy withBurst =
        PolicyParser.parse(
            "limits: [{name: a, requests: 7, window: 1m, algorithm: TokenBucket, burst: 30}]");
    assertThat(withBurst.limits().get(0).burst()).isEqualTo(30);
    assertThat(PolicyDocument.toYaml(withBurst)).contains("burst: 30");
    assertThat(
            PolicyDocument.toYaml(
                PolicyParser.parse("limits: [{name: a, requests: 7, window: 1m}]")))
        .doesNotContain("burst");
  }

  @Test
  @DisplayName("say what is wrong with a window and how to write one")
  void messagesNameTheWindow() {
    assertThatThrownBy(() -> PolicyParser.parse("limits: [{name: a, requests: 1, window: 1d}]"))
        .hasMessage(
            "limits[0].window: '1d' is not a window; write whole seconds like 30s, 1m, 1h or 1h30m");
  }
}
