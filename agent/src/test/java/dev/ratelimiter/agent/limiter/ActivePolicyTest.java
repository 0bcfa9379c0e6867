package dev.ratelimiter.agent.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The policy in force")
class ActivePolicyTest {

  static Policy parse(long generation, long requests) {
    try {
      return PolicyParser.parse(
          "policy: shop/api\ngeneration: "
              + generation
              + "\nlimits:\n- {name: per-minute, requests: "
              + requests
              + ", window: 1m}\nclientKey: {trustedProxies: [10.0.0.0/8, 192.168.1.7]}\n");
    } catch (dev.ratelimiter.policy.InvalidPolicyException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName(
      "treats a re-push of the same document as no change: listeners (the rejection cache) are not told")
  void identicalRepushIsNoChange() {
    ActivePolicy active = new ActivePolicy(parse(3, 10));
    List<Long> changes = new ArrayList<>();
    active.onChange(p -> changes.add(p.generation()));

    Policy same = parse(3, 10);
    assertThat(active.replace(same)).isEqualTo(same);
    assertThat(changes).isEmpty();

    active.replace(parse(3, 20));
    active.replace(parse(4, 20));
    assertThat(changes).containsExactly(3L, 4L);
    assertThat(active.get()).isEqualTo(parse(4, 20));
    assertThatThrownBy(() -> active.replace(parse(3, 20)))
        .isInstanceOf(ActivePolicy.StaleGenerationException.class);
    assertThat(active.get().generation()).isEqualTo(4);
  }
}
