package dev.ratelimiter.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SpecDocument")
class SpecDocumentTest {

  @Test
  @DisplayName("SpecDocument renders every field in the agreed order with defaults applied")
  void policyDocument() {
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    s.setLimits(
        List.of(new LimitSpec("burst", 5, "1s", null), new LimitSpec("hourly", 100, "1h", null)));
    ClientKey ck = new ClientKey();
    ck.setTrustedProxies(List.of("10.0.0.0/8"));
    s.setClientKey(ck);
    s.setFailurePolicy("Closed");
    RateLimitPolicy p = Policies.policy("shop", "api", 7, s);
    assertThat(SpecDocument.yaml(p, 3))
        .isEqualTo(
            "policy: shop/api\n"
                + "generation: 7\n"
                + "limits:\n"
                + "- name: burst\n  requests: 5\n  window: 1s\n  algorithm: FixedWindow\n"
                + "- name: hourly\n  requests: 100\n  window: 1h\n  algorithm: FixedWindow\n"
                + "clientKey:\n  source: RemoteAddress\n  forwardedHeader: XForwardedFor\n  trustedProxies:\n  - 10.0.0.0/8\n  ipv6PrefixLength: 64\n"
                + "failurePolicy: Closed\n"
                + "exempt: []\n"
                + "mode: Enforce\n"
                + "agents: 3\n");
    assertThat(SpecDocument.yaml(p))
        .as("the ConfigMap's: one agent until the operator pushes the count")
        .endsWith("agents: 1\n");
  }

  @Test
  @DisplayName(
      "SpecDocument carries the request features: header client key, route match, exempt, Shadow, Local")
  void policyDocumentWithRequestFeatures() {
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    LimitSpec login = new LimitSpec("login", 5, "1m", null);
    login.setMatch(
        new dev.ratelimiter.operator.customresource.RouteMatchSpec(
            List.of("/api/login"), List.of("POST")));
    s.setLimits(List.of(login));
    ClientKey ck = new ClientKey();
    ck.setSource("Header");
    ck.setHeader("X-Api-Key");
    ck.setMissing("Reject");
    s.setClientKey(ck);
    s.setExempt(List.of("10.1.0.0/16"));
    s.setMode("Shadow");
    s.setFailurePolicy("Local");
    RateLimitPolicy p = Policies.policy("shop", "api", 2, s);
    assertThat(SpecDocument.yaml(p, 2))
        .isEqualTo(
            "policy: shop/api\n"
                + "generation: 2\n"
                + "limits:\n"
                + "- name: login\n  requests: 5\n  window: 1m\n  algorithm: FixedWindow\n  match:\n    pathPrefixes:\n    - /api/login\n"
                + "    methods:\n    - POST\n"
                + "clientKey:\n  source: Header\n  header: X-Api-Key\n  missing: Reject\n  forwardedHeader: XForwardedFor\n"
                + "  trustedProxies: []\n  ipv6PrefixLength: 64\n"
                + "failurePolicy: Local\n"
                + "exempt:\n- 10.1.0.0/16\n"
                + "mode: Shadow\n"
                + "agents: 2\n");
  }

  @Test
  @DisplayName(
      "SpecDocument renders each algorithm, and a TokenBucket's burst (given, or its requests by default)")
  void policyDocumentAlgorithms() {
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    LimitSpec bucket = new LimitSpec("bucket", 5, "1s", "TokenBucket");
    bucket.setBurst(20L);
    s.setLimits(
        List.of(
            new LimitSpec("sliding", 10, "1m", "SlidingWindow"),
            bucket,
            new LimitSpec("plain-bucket", 7, "1h", "TokenBucket")));
    RateLimitPolicy p = Policies.policy("shop", "api", 2, s);
    assertThat(SpecDocument.yaml(p))
        .contains(
            "limits:\n"
                + "- name: sliding\n  requests: 10\n  window: 1m\n  algorithm: SlidingWindow\n"
                + "- name: bucket\n  requests: 5\n  window: 1s\n  algorithm: TokenBucket\n  burst: 20\n"
                + "- name: plain-bucket\n  requests: 7\n  window: 1h\n  algorithm: TokenBucket\n  burst: 7\n");
  }
}
