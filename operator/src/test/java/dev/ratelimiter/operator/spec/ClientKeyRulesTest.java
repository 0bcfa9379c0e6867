package dev.ratelimiter.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.policy.ForwardedHeader;
import dev.ratelimiter.policy.PolicyParser;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The client key's rules are the shared ones (policy-cases.yaml); this is what the operator adds:
 * rendering.
 */
@DisplayName("The client key in the agents' policy document")
class ClientKeyRulesTest {

  @Test
  @DisplayName(
      "carries the forwarded header, XForwardedFor by default, and the trusted proxies as the agent reads them")
  void forwardedHeaderIsRendered() throws Exception {
    RateLimitPolicy p = Policies.policy("shop", "api", new RateLimitPolicySpec());
    assertThat(PolicyParser.parse(SpecDocument.yaml(p)).clientKey().forwardedHeader())
        .isEqualTo(ForwardedHeader.XForwardedFor);
    ClientKey ck = new ClientKey();
    ck.setForwardedHeader("Forwarded");
    ck.setTrustedProxies(List.of("10.0.4.17", "fd00::/8"));
    p.getSpec().setClientKey(ck);
    String yaml = SpecDocument.yaml(p);
    assertThat(yaml)
        .contains("clientKey:\n  source: RemoteAddress\n  forwardedHeader: Forwarded\n");
    var clientKey = PolicyParser.parse(yaml).clientKey();
    assertThat(clientKey.forwardedHeader()).isEqualTo(ForwardedHeader.Forwarded);
    assertThat(clientKey.trustedProxies())
        .extracting(Object::toString)
        .containsExactly("10.0.4.17/32", "fd00::/8");
  }
}
