package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.store.ConcurrencyContract;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;

@DisplayName("Three agents, each on four event loops, sharing one password-protected Redis")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisConcurrencyTest extends ConcurrencyContract {

  RedisServerProcess redis;
  private final List<RunningAgent> agents = new ArrayList<>();

  @BeforeAll
  void start() {
    redis = RedisServerProcess.start("s3cret-pass");
    for (int i = 0; i < 3; i++) {
      // The default Redis timeout: on a loaded machine Redis starves with the agent, and the
      // agent gives it the timeout afresh (StoreDeadline) instead of failing open.
      agents.add(startOnSeveralLoops(TestSettings.local(redis.url(), redis.password(), null)));
    }
  }

  @AfterAll
  void stop() {
    agents.forEach(RunningAgent::close);
    redis.close();
  }

  @BeforeEach
  void freshCounters() throws Exception {
    redis.flushAll();
  }

  @Override
  protected List<RunningAgent> agents() {
    return agents;
  }

  @Override
  protected String counter(String client) throws Exception {
    return redis.command("GET rl:{shop/public-api|" + client + "}:per-minute:fw:60");
  }
}
