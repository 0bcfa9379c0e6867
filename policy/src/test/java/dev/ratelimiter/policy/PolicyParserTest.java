package dev.ratelimiter.policy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyParserTest {

    @Test
    @DisplayName("An empty document is the seed's policy: 10 requests per minute per client IP, fail open")
    void emptyIsDefault() throws Exception {
        Policy policy = PolicyParser.parse("");
        assertThat(policy).isEqualTo(Policy.defaultPolicy());
        assertThat(PolicyParser.parse("{}").limits()).containsExactly(new Limit("default", 10, 60, Algorithm.FixedWindow));
    }

    @Test
    @DisplayName("A full YAML document is read field by field")
    void fullYaml() throws Exception {
        Policy policy = PolicyParser.parse("""
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
        assertThat(policy.limits()).containsExactly(
                new Limit("per-second", 5, 1, Algorithm.FixedWindow),
                new Limit("per-hour", 1000, 3600, Algorithm.FixedWindow));
        assertThat(policy.clientKey().trustedProxies()).extracting(Object::toString).containsExactly("10.0.0.0/8", "fd00::/8");
        assertThat(policy.clientKey().ipv6PrefixLength()).isEqualTo(56);
        assertThat(policy.clientKey().forwardedHeader()).isEqualTo(ForwardedHeader.Forwarded);
        assertThat(policy.failurePolicy()).isEqualTo(FailurePolicy.Closed);
    }

    @Test
    @DisplayName("clientKey defaults: X-Forwarded-For is the believed header, IPv6 clients count per /64")
    void clientKeyDefaults() throws Exception {
        Policy policy = PolicyParser.parse("clientKey: {trustedProxies: [10.0.0.1]}");
        assertThat(policy.clientKey().forwardedHeader()).isEqualTo(ForwardedHeader.XForwardedFor);
        assertThat(policy.clientKey().ipv6PrefixLength()).isEqualTo(64);
        assertThat(PolicyParser.parse("clientKey: {ipv6PrefixLength: 32}").clientKey().ipv6PrefixLength()).isEqualTo(32);
    }

    @Test
    @DisplayName("JSON documents are accepted too, and render back to the same policy")
    void jsonRoundTrip() throws Exception {
        Policy policy = PolicyParser.parse("{\"policy\":\"a/b\",\"generation\":2,\"limits\":[{\"name\":\"x\",\"requests\":3,\"window\":\"90s\"}]}");
        Policy again = PolicyParser.parse(PolicyDocument.toYaml(policy));
        assertThat(again).isEqualTo(policy);
        assertThat(again.limits().get(0).windowText()).isEqualTo("1m30s");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "limits: []                                                   | limits: must hold 1 to 16 limits, not 0",
            "limits: [{name: a, requests: 0, window: 1m}]                 | limits[0].requests: 0 is outside 1 .. 1000000000",
            "limits: [{name: a, requests: 1.5, window: 1m}]               | limits[0].requests: must be a whole number",
            "limits: [{name: a, requests: 5, window: 0s}]                 | limits[0].window: '0s' is outside 1s .. 24h",
            "limits: [{name: Big_Name, requests: 5, window: 1m}]          | limits[0].name: 'Big_Name' is not a DNS label",
            "limits: [{name: a, requests: 5, window: 1m}, {name: a, requests: 9, window: 1h}] | limits[1].name: 'a' is used by another limit",
            "limits: [{name: a, requests: 5, window: 1m, algorithm: TokenBucket, burst: 100000001}] | limits[0].burst: 100000001 is outside 1 .. 100000000",
            "clientKey: {ipv6PrefixLength: 129}                           | clientKey.ipv6PrefixLength: 129 is outside 32 .. 128",
            "clientKey: {trustedProxies: [10.0.0.0/8, 0.0.0.0/0]}         | clientKey.trustedProxies[1]: '0.0.0.0/0' would trust every address",
            "clientKey: {source: Header, header: X-Api-Key}               | clientKey.source: Header is not supported by this version yet",
            "failurePolicy: Local                                         | failurePolicy: Local is not supported by this version yet",
            "mode: Shadow                                                 | mode: \"Shadow\" is not supported by this version yet",
            "exempt: [10.0.0.0/8]                                         | exempt: [\"10.0.0.0/8\"] is not supported by this version yet",
            "agent: {replicas: 3}                                         | agent: unknown field",
            "generation: -1                                               | generation: -1 is outside 0 ..",
            "policy: 'Shop/API'                                           | policy: 'Shop/API' is not <namespace>/<name>",
            "policy: 'a/b{c}'                                             | policy: 'a/b{c}' is not <namespace>/<name>",
            "'[1, 2]'                                                     | the document must be a mapping of fields, not a list",
            "'limits: [ {name: a'                                         | not a YAML or JSON document",
    })
    @DisplayName("Each kind of refusal says what is wrong (which cases are valid, and the field named: policy-cases.yaml)")
    void refusesWithFieldNamed(String document, String expected) {
        assertThatThrownBy(() -> PolicyParser.parse(document))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining(expected);
    }
}
