package dev.ratelimiter.agent.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.store.memory.InMemoryStore;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Retry-After is exact for every algorithm, and the local cache of refusals answers only until
 * then: one millisecond before it the client is still refused (from the cache, without a store
 * call), at it the request is allowed.
 */
@DisplayName("Retry-After is exact, and cached refusals end exactly then")
class RetryAfterTest {

  private final AtomicLong clock = new AtomicLong(5_000_000);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // limit | gaps between the admitted requests (ms) | then refused at +ms | expected retry
        // (ms)
        "{name: f, requests: 2, window: 1s}                                 | 0,400 | 100 | 500",
        "{name: s, requests: 2, window: 1s, algorithm: SlidingWindow}           | 0,400 | 100 | 500",
        "{name: t, requests: 4, window: 1s, algorithm: TokenBucket, burst: 2}  | 0,0   | 100 | 150",
      })
  @DisplayName("refused until exactly the reported retry time, then allowed")
  void exact(String limit, String gaps, long refusedAfter, long expectedRetry) {
    Policy policy = parse("limits: [" + limit + "]");
    InMemoryStore store = new InMemoryStore(clock::get, 100);
    RateLimiter limiter =
        new RateLimiter(
            new ActivePolicy(policy),
            store,
            clock::get,
            new LimiterMetrics(new SimpleMeterRegistry()));
    for (String gap : gaps.split(",")) {
      clock.addAndGet(Long.parseLong(gap.strip()));
      assertThat(limiter.check(policy, "c").await().allowed()).isTrue();
    }
    clock.addAndGet(refusedAfter);
    Decision refused = limiter.check(policy, "c").await();
    assertThat(refused.outcome()).isEqualTo(Decision.Outcome.REJECTED);
    assertThat(refused.retryAfterMillis()).isEqualTo(expectedRetry);
    clock.addAndGet(expectedRetry - 2);
    Decision early = limiter.check(policy, "c").await();
    assertThat(early.outcome())
        .as("2 ms early: refused from the cache")
        .isEqualTo(Decision.Outcome.REJECTED_CACHED);
    assertThat(early.retryAfterMillis()).isEqualTo(2);
    assertThat(limiter.check(policy, "c").await().retryAfterMillis())
        .as("again in the same millisecond")
        .isEqualTo(2);
    clock.addAndGet(1);
    Decision later = limiter.check(policy, "c").await();
    assertThat(later.outcome()).isEqualTo(Decision.Outcome.REJECTED_CACHED);
    assertThat(later.retryAfterMillis()).as("1 ms early: the cache counts down").isEqualTo(1);
    assertThat(later.resetMillis()[0]).isEqualTo(early.resetMillis()[0] - 1);
    clock.addAndGet(1);
    assertThat(limiter.check(policy, "c").await().allowed())
        .as("allowed at the retry time")
        .isTrue();
  }

  private static Policy parse(String yaml) {
    try {
      return PolicyParser.parse(yaml);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
