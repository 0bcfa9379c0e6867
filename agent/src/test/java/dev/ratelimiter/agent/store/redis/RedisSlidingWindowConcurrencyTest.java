package dev.ratelimiter.agent.store.redis;

import org.junit.jupiter.api.DisplayName;

@DisplayName("Three agents, each on four event loops, sharing one Redis: SlidingWindow")
class RedisSlidingWindowConcurrencyTest extends RedisConcurrencyTest {
  @Override
  protected String limit() {
    return "{name: quota, requests: 10, window: 1m, algorithm: SlidingWindow}";
  }

  @Override
  protected String counter(String client) throws Exception {
    return redis
        .command("LLEN rl:{shop/public-api|" + client + "}:quota:sw:60")
        .replace(":", ""); // one entry per request
  }
}
