package dev.ratelimiter.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.ForwardedHeader;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The client key rules")
class ClientKeyRulesTest {

  static List<String> problems(Consumer<ClientKey> build) {
    ClientKey ck = new ClientKey();
    build.accept(ck);
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    s.setClientKey(ck);
    return PolicyValidator.validate(s);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0.0.0.0/0", "::/0", "10.1.2.3/0", "1.2.3.4/00"})
  @DisplayName("refuse a trusted proxy entry of /0, saying it would trust every address")
  void slashZeroIsRefused(String cidr) {
    assertThat(problems(ck -> ck.setTrustedProxies(List.of("10.0.5.0/24", cidr)))).singleElement().asString()
        .startsWith("spec.clientKey.trustedProxies[1]: '" + cidr + "' would trust every address");
  }

  @Test
  @DisplayName("accept narrow trusted proxies")
  void narrowProxiesAreAccepted() {
    assertThat(problems(ck -> ck.setTrustedProxies(List.of("10.0.5.0/24", "192.168.1.1/32", "fd00::/8", "10.0.0.0/10")))).isEmpty();
  }

  @Test
  @DisplayName("bound ipv6PrefixLength to 32..128")
  void ipv6PrefixBounds() {
    for (int ok : new int[] {32, 48, 64, 128}) {
      assertThat(problems(ck -> ck.setIpv6PrefixLength(ok))).as("/%d", ok).isEmpty();
    }
    for (int bad : new int[] {0, 1, 31, 129}) {
      assertThat(problems(ck -> ck.setIpv6PrefixLength(bad))).as("/%d", bad).singleElement().asString()
          .isEqualTo("spec.clientKey.ipv6PrefixLength: must be between 32 and 128, got " + bad);
    }
  }

  @Test
  @DisplayName("refuse a forwarded header this operator does not know, by name")
  void unknownForwardedHeader() {
    assertThat(problems(ck -> ck.setForwardedHeader(ForwardedHeader.Unsupported))).singleElement().asString()
        .startsWith("spec.clientKey.forwardedHeader: value not supported").contains("XForwardedFor, Forwarded");
  }

  @Test
  @DisplayName("put the forwarded header into the agents' policy document, XForwardedFor by default")
  void forwardedHeaderIsRendered() {
    RateLimitPolicy p = new RateLimitPolicy();
    p.getMetadata().setName("api");
    p.getMetadata().setNamespace("shop");
    p.setSpec(new RateLimitPolicySpec());
    assertThat(PolicyDocument.of(p).clientKey().forwardedHeader()).isEqualTo("XForwardedFor");
    ClientKey ck = new ClientKey();
    ck.setForwardedHeader(ForwardedHeader.Forwarded);
    p.getSpec().setClientKey(ck);
    String yaml = PolicyDocument.of(p).toYaml();
    assertThat(yaml).contains("clientKey:\n  source: RemoteAddress\n  forwardedHeader: Forwarded\n");
    assertThat(PolicyDocument.fromYaml(yaml).clientKey().forwardedHeader()).isEqualTo("Forwarded");
  }
}
