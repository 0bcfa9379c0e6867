package dev.ratelimiter.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A limit's share under failurePolicy Local")
class LimitShareTest {

  @Test
  @DisplayName(
      "ceil(requests / agents); burst follows requests except for a TokenBucket, whose burst is divided too")
  void shares() {
    RouteMatch login = new RouteMatch(List.of("/login"), List.of("POST"));
    Limit fixed = new Limit("few", 10, 60, Algorithm.FixedWindow, 10, login);
    assertThat(fixed.share(3)).isEqualTo(new Limit("few", 4, 60, Algorithm.FixedWindow, 4, login));
    assertThat(new Limit("sw", 10, 60, Algorithm.SlidingWindow).share(4))
        .isEqualTo(new Limit("sw", 3, 60, Algorithm.SlidingWindow, 3, null));
    assertThat(new Limit("tb", 10, 1, Algorithm.TokenBucket, 50).share(3))
        .isEqualTo(new Limit("tb", 4, 1, Algorithm.TokenBucket, 17, null));
    assertThat(new Limit("tb", 1, 1, Algorithm.TokenBucket, 1).share(5))
        .as("never below 1")
        .isEqualTo(new Limit("tb", 1, 1, Algorithm.TokenBucket, 1, null));
    assertThat(fixed.share(1)).isEqualTo(fixed);
    assertThat(fixed.share(0)).as("no agents known: alone").isEqualTo(fixed);
  }
}
