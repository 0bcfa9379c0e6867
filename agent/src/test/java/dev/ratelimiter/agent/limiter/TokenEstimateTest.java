package dev.ratelimiter.agent.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Cost;
import dev.ratelimiter.policy.Limit;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("What a request reserves of each token budget")
class TokenEstimateTest {

  private static Limit budget(Cost.Usage usage) {
    return new Limit(
        "tokens", 5000, 3600, Algorithm.FixedWindow, 5000, null, new Cost(usage, 250, null));
  }

  @ParameterizedTest(name = "{0}, ceiling {1}, input {2}: {3}")
  @CsvSource({
    "OutputTokens, 900, 100, 900",
    "InputTokens, 900, 100, 100",
    "TotalTokens, 900, 100, 1000",
    "TotalTokens, 900, -1, 900",
    "OutputTokens, -1, 100, 250",
    "InputTokens, 900, -1, 250",
    "TotalTokens, -1, 100, 250",
    "TotalTokens, 9000, 100, 5000"
  })
  @DisplayName(
      "the stated ceiling for output, the input for input, both for total; else the reserve; at most the burst")
  void reservation(Cost.Usage usage, long ceiling, long input, long reserved) {
    Limit requests = new Limit("per-minute", 100, 60, Algorithm.FixedWindow);
    long[] costs =
        TokenBudgets.reservations(
            List.of(requests, budget(usage)), 1, new TokenEstimate(ceiling, input));
    assertThat(costs).containsExactly(1, reserved);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"OutputTokens", "InputTokens", "TotalTokens"})
  @DisplayName("a gateway's stated cost is reserved on every budget, whatever it counts")
  void stated(Cost.Usage usage) {
    assertThat(TokenBudgets.reservations(List.of(budget(usage)), 1, TokenEstimate.stated(700)))
        .containsExactly(700);
  }
}
