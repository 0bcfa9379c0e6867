package dev.ratelimiter.operator.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicyStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("On-call annotations")
class ClientRequestsTest {

  static RateLimitPolicy policy(long generation, Map<String, String> annotations) {
    RateLimitPolicy p = new RateLimitPolicy();
    p.setMetadata(
        new ObjectMetaBuilder()
            .withName("api")
            .withNamespace("shop")
            .withGeneration(generation)
            .withAnnotations(annotations)
            .build());
    return p;
  }

  @Test
  @DisplayName(
      "reconcile a policy on a new generation or a changed on-call annotation, not on a status write or another annotation")
  void updateFilter() {
    PolicyUpdateFilter filter = new PolicyUpdateFilter();
    RateLimitPolicy old = policy(3, Map.of("team", "shop"));
    assertThat(filter.accept(policy(4, Map.of("team", "shop")), old)).isTrue();
    assertThat(
            filter.accept(
                policy(3, Map.of("team", "shop", ClientRequests.RESET, "203.0.113.7")), old))
        .isTrue();
    assertThat(filter.accept(policy(3, Map.of(ClientRequests.INSPECT, "x")), policy(3, null)))
        .isTrue();
    RateLimitPolicy statusOnly = policy(3, Map.of("team", "shop"));
    statusOnly.setStatus(new RateLimitPolicyStatus());
    assertThat(filter.accept(statusOnly, old)).isFalse();
    assertThat(filter.accept(policy(3, Map.of("team", "pay")), old)).isFalse();
  }

  @Test
  @DisplayName(
      "an inspection's Event: per limit what was used of what, what is left, when it is full")
  void summary() {
    String body =
        """
        {"policy": "shop/api", "client": "203.0.113.7", "override": {"name": "acme"},
         "limits": [
           {"name": "per-minute", "algorithm": "FixedWindow", "requests": 10, "used": 7, "remaining": 3, "resetSeconds": 41},
           {"name": "bucket", "algorithm": "TokenBucket", "requests": 5, "used": 2, "remaining": 6, "resetSeconds": 24}]}
        """;
    assertThat(ClientRequests.summary("203.0.113.7", body))
        .isEqualTo(
            "Client 203.0.113.7 (override acme): per-minute used 7 of 10, 3 left, full again in 41 s;"
                + " bucket used 2 of 8, 6 left, full again in 24 s;");
  }
}
