package dev.ratelimiter.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.store.memory.InMemoryStore;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.Limit;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Per-route limits hand the store a different subset of the policy's limits per request: state is
 * per limit, not per position.
 */
class RouteSubsetStoreTest {

  private final Limit all = new Limit("all", 100, 60, Algorithm.FixedWindow);
  private final Limit login = new Limit("login", 2, 60, Algorithm.SlidingWindow);
  private final Limit writes = new Limit("writes", 1, 60, Algorithm.TokenBucket, 3);

  @Test
  @DisplayName(
      "In memory: each limit keeps its own state whichever subset, in whichever position, a request brings")
  void subsets() {
    AtomicLong clock = new AtomicLong(1_000);
    InMemoryStore store = new InMemoryStore(clock::get, 10);
    assertThat(store.acquireNow("p", "c", List.of(login)).remaining()).containsExactly(1);
    assertThat(store.acquireNow("p", "c", List.of(all, writes)).remaining()).containsExactly(99, 2);
    AcquireResult both = store.acquireNow("p", "c", List.of(all, login, writes));
    assertThat(both.allowed()).isTrue();
    assertThat(both.remaining()).containsExactly(98, 0, 1);
    AcquireResult refused = store.acquireNow("p", "c", List.of(login));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryMillis()[0])
        .as("until the first login leaves the sliding window")
        .isEqualTo(60_000);
    assertThat(store.acquireNow("p", "c", List.of(writes, all)).remaining()).containsExactly(0, 97);
  }
}
