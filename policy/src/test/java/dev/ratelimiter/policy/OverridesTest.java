package dev.ratelimiter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("A document's overrides: other quotas for some clients until a time")
class OverridesTest {

  private static final String LIMITS =
      """
      policy: shop/api
      limits:
        - {name: per-minute, requests: 10, window: 1m}
        - {name: bucket, requests: 5, window: 1m, algorithm: TokenBucket, burst: 8}
        - {name: sliding, requests: 20, window: 1h, algorithm: SlidingWindow}
      """;

  private static Policy withOverrides(String overrides) throws InvalidPolicyException {
    return PolicyParser.parse(LIMITS + "overrides:\n" + overrides);
  }

  @Test
  @DisplayName(
      "an override's clients get its quotas on the limits it names, the others keep the policy's; it ends at expires; the document round-trips")
  void appliesToItsClientsUntilItExpires() throws Exception {
    Policy policy =
        withOverrides(
            """
              - name: acme-launch
                clients: ["203.0.113.7", "key:abc"]
                limits: [{name: per-minute, requests: 50}, {name: bucket, requests: 20}]
                expires: "2026-12-24T00:00:00Z"
            """);
    long before = Instant.parse("2026-12-23T23:59:59.999Z").toEpochMilli();
    long at = Instant.parse("2026-12-24T00:00:00Z").toEpochMilli();
    List<Limit> granted = policy.limitsFor("203.0.113.7", policy.limits(), before);
    assertThat(granted).extracting(Limit::requests).containsExactly(50L, 20L, 20L);
    assertThat(granted.get(1).burst()).as("a bucket's burst grows with requests").isEqualTo(20);
    assertThat(granted.get(0).windowSeconds()).isEqualTo(60);
    assertThat(policy.limitsFor("203.0.113.8", policy.limits(), before)).isSameAs(policy.limits());
    assertThat(policy.limitsFor("key:abc", policy.limits(), at))
        .as("expired at its time")
        .isSameAs(policy.limits());
    assertThat(PolicyParser.parse(PolicyDocument.toYaml(policy))).isEqualTo(policy);
  }

  @Test
  @DisplayName("a RateLimitPolicy spec cannot carry overrides: they come from RateLimitOverride")
  void notInASpec() throws Exception {
    var spec =
        new ObjectMapper(new YAMLFactory())
            .readTree(
                "overrides: [{name: a, clients: [x], limits: [{name: default, requests: 2}],"
                    + " expires: '2030-01-01T00:00:00Z'}]");
    assertThatThrownBy(() -> PolicyParser.parseSpec(spec))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("overrides")
        .hasMessageContaining("RateLimitOverride");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a limit the policy lacks|[{name: a, clients: [x], limits: [{name: per-hour, requests: 2}], expires: '2030-01-01T00:00:00Z'}]|overrides[0].limits[0].name",
        "no expires|[{name: a, clients: [x], limits: [{name: per-minute, requests: 2}]}]|overrides[0].expires",
        "an expires that is not a time|[{name: a, clients: [x], limits: [{name: per-minute, requests: 2}], expires: friday}]|overrides[0].expires",
        "no clients|[{name: a, clients: [], limits: [{name: per-minute, requests: 2}], expires: '2030-01-01T00:00:00Z'}]|overrides[0].clients",
        "a client with a space|[{name: a, clients: ['a b'], limits: [{name: per-minute, requests: 2}], expires: '2030-01-01T00:00:00Z'}]|overrides[0].clients[0]",
        "requests 0|[{name: a, clients: [x], limits: [{name: per-minute, requests: 0}], expires: '2030-01-01T00:00:00Z'}]|overrides[0].limits[0].requests",
        "a burst for a FixedWindow|[{name: a, clients: [x], limits: [{name: per-minute, requests: 5, burst: 9}], expires: '2030-01-01T00:00:00Z'}]|overrides[0].limits[0].burst",
        "a SlidingWindow beyond its most|[{name: a, clients: [x], limits: [{name: sliding, requests: 20000}], expires: '2030-01-01T00:00:00Z'}]|overrides[0].limits[0].requests",
        "a limit twice|[{name: a, clients: [x], limits: [{name: per-minute, requests: 5}, {name: per-minute, requests: 6}], expires: '2030-01-01T00:00:00Z'}]|overrides[0].limits[1].name",
        "a client in two overrides|[{name: a, clients: [x], limits: [{name: per-minute, requests: 5}], expires: '2030-01-01T00:00:00Z'}, {name: b, clients: [x], limits: [{name: per-minute, requests: 6}], expires: '2030-01-01T00:00:00Z'}]|overrides[1].clients",
        "an unknown field|[{name: a, client: [x], limits: [{name: per-minute, requests: 5}], expires: '2030-01-01T00:00:00Z'}]|overrides[0].client",
        "a name that is no object name|[{name: A_B, clients: [x], limits: [{name: per-minute, requests: 5}], expires: '2030-01-01T00:00:00Z'}]|overrides[0].name"
      })
  @DisplayName("a bad override refuses the document, naming its field")
  void refused(String why, String overrides, String field) {
    assertThatThrownBy(() -> PolicyParser.parse(LIMITS + "overrides: " + overrides))
        .isInstanceOf(InvalidPolicyException.class)
        .satisfies(e -> assertThat(((InvalidPolicyException) e).field()).isEqualTo(field));
  }

  @Test
  @DisplayName("at most 10,000 clients over all overrides: each agent holds every one")
  void boundedClients() {
    StringBuilder overrides = new StringBuilder("[");
    for (int o = 0; o < 11; o++) {
      overrides.append(o == 0 ? "" : ", ").append("{name: o").append(o).append(", clients: [");
      for (int c = 0; c < 1000; c++) {
        overrides.append(c == 0 ? "" : ", ").append("c").append(o).append('-').append(c);
      }
      overrides.append(
          "], limits: [{name: per-minute, requests: 5}], expires: '2030-01-01T00:00:00Z'}");
    }
    overrides.append("]");
    assertThatThrownBy(() -> PolicyParser.parse(LIMITS + "overrides: " + overrides))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("10000");
  }
}
