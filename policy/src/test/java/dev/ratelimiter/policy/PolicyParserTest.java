package dev.ratelimiter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyParserTest {

  @Test
  @DisplayName(
      "An empty document is the seed's policy: 10 requests per minute per client IP, fail open")
  void emptyIsDefault() throws Exception {
    Policy policy = PolicyParser.parse("");
    assertThat(policy).isEqualTo(Policy.defaultPolicy());
    assertThat(PolicyParser.parse("{}").limits())
        .containsExactly(new Limit("default", 10, 60, Algorithm.FixedWindow));
  }

  @Test
  @DisplayName("A full YAML document is read field by field")
  void fullYaml() throws Exception {
    Policy policy =
        PolicyParser.parse(
            """
                policy: shop/public-api
                generation: 7
                limits:
                  - {name: per-second, requests: 5, window: 1s}
                  - name: per-hour
                    requests: 1000
                    window: 1h
                    algorithm: FixedWindow
                clientKey:
                  source: RemoteAddress
                  forwardedHeader: Forwarded
                  trustedProxies: [10.0.0.0/8, "fd00::/8"]
                  ipv6PrefixLength: 56
                failurePolicy: Closed
                exempt: []
                mode: Enforce
                """);
    assertThat(policy.id()).isEqualTo("shop/public-api");
    assertThat(policy.generation()).isEqualTo(7);
    assertThat(policy.limits())
        .containsExactly(
            new Limit("per-second", 5, 1, Algorithm.FixedWindow),
            new Limit("per-hour", 1000, 3600, Algorithm.FixedWindow));
    assertThat(policy.clientKey().trustedProxies())
        .extracting(Object::toString)
        .containsExactly("10.0.0.0/8", "fd00::/8");
    assertThat(policy.clientKey().ipv6PrefixLength()).isEqualTo(56);
    assertThat(policy.clientKey().forwardedHeader()).isEqualTo(ForwardedHeader.Forwarded);
    assertThat(policy.failurePolicy()).isEqualTo(FailurePolicy.Closed);
  }

  @Test
  @DisplayName(
      "clientKey defaults: X-Forwarded-For is the believed header, IPv6 clients count per /64")
  void clientKeyDefaults() throws Exception {
    Policy policy = PolicyParser.parse("clientKey: {trustedProxies: [10.0.0.1]}");
    assertThat(policy.clientKey().forwardedHeader()).isEqualTo(ForwardedHeader.XForwardedFor);
    assertThat(policy.clientKey().ipv6PrefixLength()).isEqualTo(64);
    assertThat(
            PolicyParser.parse("clientKey: {ipv6PrefixLength: 32}").clientKey().ipv6PrefixLength())
        .isEqualTo(32);
  }

  @Test
  @DisplayName("JSON documents are accepted too, and render back to the same policy")
  void jsonRoundTrip() throws Exception {
    Policy policy =
        PolicyParser.parse(
            "{\"policy\":\"a/b\",\"generation\":2,\"limits\":[{\"name\":\"x\",\"requests\":3,\"window\":\"90s\"}]}");
    Policy again = PolicyParser.parse(PolicyDocument.toYaml(policy));
    assertThat(again).isEqualTo(policy);
    assertThat(again.limits().get(0).windowText()).isEqualTo("1m30s");
  }

  @Test
  @DisplayName(
      "The request features read back as written: header client key, route match, exemptions, Shadow, Local with agents")
  void requestFeaturesRoundTrip() throws Exception {
    Policy policy =
        PolicyParser.parse(
            """
                policy: shop/api
                generation: 4
                agents: 3
                limits:
                  - {name: login, requests: 5, window: 1m, match: {pathPrefixes: [/api/login], methods: [POST]}}
                  - {name: all, requests: 100, window: 1m}
                clientKey: {source: Header, header: X-Api-Key, missing: Reject}
                exempt: [10.1.0.0/16]
                mode: Shadow
                failurePolicy: Local
                """);
    assertThat(policy.agents()).isEqualTo(3);
    assertThat(policy.mode()).isEqualTo(Mode.Shadow);
    assertThat(policy.failurePolicy()).isEqualTo(FailurePolicy.Local);
    assertThat(policy.clientKey().header()).isEqualTo("X-Api-Key");
    assertThat(policy.clientKey().missing()).isEqualTo(MissingHeader.Reject);
    assertThat(policy.exempts(IpAddress.parse("10.1.2.3"))).isTrue();
    assertThat(policy.exempts(IpAddress.parse("10.2.2.3"))).isFalse();
    assertThat(policy.limits().get(0).applies("POST", "/api/login/x")).isTrue();
    assertThat(policy.limits().get(0).applies("GET", "/api/login")).isFalse();
    assertThat(policy.limits().get(0).applies("POST", "/api/cart")).isFalse();
    assertThat(policy.limits().get(0).applies(null, "/api/login")).isFalse();
    assertThat(policy.limits().get(1).applies(null, null)).isTrue();
    assertThat(PolicyParser.parse(PolicyDocument.toYaml(policy))).isEqualTo(policy);
    assertThat(PolicyParser.parse("limits: [{name: a, requests: 1, window: 1s}]").agents())
        .as("absent: alone")
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "limits: []                                                   | limits: must hold 1 to 16 limits, not 0",
        "limits: [{name: a, requests: 0, window: 1m}]                 | limits[0].requests: 0 is outside 1 .. 1000000000",
        "limits: [{name: a, requests: 1.5, window: 1m}]               | limits[0].requests: must be a whole number",
        "limits: [{name: a, requests: 5, window: 0s}]                 | limits[0].window: '0s' is outside 1s .. 24h",
        "limits: [{name: Big_Name, requests: 5, window: 1m}]          | limits[0].name: 'Big_Name' is not a DNS label",
        "limits: [{name: a, requests: 5, window: 1m}, {name: a, requests: 9, window: 1h}] | limits[1].name: 'a' is used by another limit",
        "limits: [{name: a, requests: 5, window: 1m, algorithm: TokenBucket, burst: 100000001}] | limits[0].burst: 100000001 is outside 1 .. 100000000",
        "clientKey: {ipv6PrefixLength: 129}                           | clientKey.ipv6PrefixLength: 129 is outside 32 .. 128",
        "clientKey: {trustedProxies: [10.0.0.0/8, 0.0.0.0/0]}         | clientKey.trustedProxies[1]: '0.0.0.0/0' would trust every address",
        "clientKey: {source: Header}                                  | clientKey.header: is required",
        "clientKey: {header: X-Api-Key}                               | clientKey.header: only with source: Header",
        "clientKey: {source: Header, header: 'X Key'}                 | clientKey.header: 'X Key' is not an HTTP header name",
        "limits: [{name: a, requests: 5, window: 1m, match: {methods: [get]}}] | limits[0].match.methods[0]: 'get' is not one of GET, HEAD",
        "limits: [{name: a, requests: 5, window: 1m, match: {pathPrefixes: [api]}}] | limits[0].match.pathPrefixes[0]: 'api' is not a path prefix",
        "exempt: [0.0.0.0/0]                                          | exempt[0]: '0.0.0.0/0' would exempt every address",
        "mode: Audit                                                  | mode: 'Audit' is not one of Enforce, Shadow",
        "agents: 0                                                    | agents: 0 is outside 1 .. 1000",
        "agent: {replicas: 3}                                         | agent: 'agent' belongs to a RateLimitPolicy's spec and only the operator reads it",
        "backend: {service: shop}                                     | backend: 'backend' belongs to a RateLimitPolicy's spec",
        "limit: [{name: a, requests: 5, window: 1m}]                  | limit: unknown field; did you mean 'limits'?",
        "clientkey: {source: Header}                                  | clientkey: unknown field; did you mean 'clientKey'?",
        "limits: [{name: a, requests: 5, windw: 1m}]                  | limits[0].windw: unknown field; did you mean 'window'?",
        "zebra: 1                                                     | zebra: unknown field; expected one of",
        "generation: -1                                               | generation: -1 is outside 0 ..",
        "policy: 'Shop/API'                                           | policy: 'Shop/API' is not <namespace>/<name>",
        "policy: 'a/b{c}'                                             | policy: 'a/b{c}' is not <namespace>/<name>",
        "'[1, 2]'                                                     | the document must be a mapping of fields, not a list",
        "'limits: [ {name: a'                                         | not a YAML or JSON document",
      })
  @DisplayName(
      "Each kind of refusal says what is wrong (which cases are valid, and the field named: policy-cases.yaml)")
  void refusesWithFieldNamed(String document, String expected) {
    assertThatThrownBy(() -> PolicyParser.parse(document))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining(expected);
  }

  @Test
  @DisplayName("A field given twice is refused, not 'the last one wins'")
  void duplicateField() {
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "limits: [{name: a, requests: 1, window: 1m}]\n"
                        + "limits: [{name: b, requests: 9, window: 1m}]\n"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("'limits' is given twice");
    assertThatThrownBy(
            () ->
                PolicyParser.parse("{\"failurePolicy\": \"Open\", \"failurePolicy\": \"Closed\"}"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("'failurePolicy' is given twice");
  }

  @Test
  @DisplayName("More than one YAML document is refused, not the first one applied")
  void severalDocuments() {
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "limits: [{name: a, requests: 1, window: 1m}]\n---\nfailurePolicy: Closed\n"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("more than one YAML document");
  }

  @Test
  @DisplayName("A path prefix not in canonical form is refused with the form to write")
  void nonCanonicalPrefix() {
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "limits: [{name: a, requests: 1, window: 1m, match: {pathPrefixes: [/api//login]}}]"))
        .isInstanceOf(InvalidPolicyException.class)
        .hasMessageContaining("write it as '/api/login'");
  }
}
