package dev.ratelimiter.agent.store.memory;

import org.junit.jupiter.api.DisplayName;

@DisplayName(
    "One agent on four event loops with the in-memory store: TokenBucket (burst 10, 2 per hour)")
class InMemoryTokenBucketConcurrencyTest extends InMemoryConcurrencyTest {
  @Override
  protected String limit() {
    return "{name: quota, requests: 2, window: 1h, algorithm: TokenBucket, burst: 10}";
  }
}
