package dev.ratelimiter.agent.store.memory;

import org.junit.jupiter.api.DisplayName;

@DisplayName("One agent on four event loops with the in-memory store: SlidingWindow")
class InMemorySlidingWindowConcurrencyTest extends InMemoryConcurrencyTest {
  @Override
  protected String limit() {
    return "{name: quota, requests: 10, window: 1m, algorithm: SlidingWindow}";
  }
}
