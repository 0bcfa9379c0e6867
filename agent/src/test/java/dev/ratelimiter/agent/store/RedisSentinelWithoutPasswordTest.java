package dev.ratelimiter.agent.store;

import dev.ratelimiter.agent.AgentSettings;
import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.testsupport.redis.RedisSentinelProcesses;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;

/**
 * Sentinels and data nodes without a password, as many Sentinel deployments run inside a private
 * network: the agents find the master and count exactly, with no AUTH sent anywhere.
 */
@DisplayName("Three agents finding the master through three Redis sentinels that need no password")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSentinelWithoutPasswordTest extends ConcurrencyContract {

  private RedisSentinelProcesses sentinel;
  private final List<RunningAgent> agents = new ArrayList<>();

  @BeforeAll
  void start() {
    sentinel = RedisSentinelProcesses.start(null);
    for (int i = 0; i < 3; i++) {
      agents.add(
          startOnSeveralLoops(
              AgentSettings.local(sentinel.sentinelUrls(), null, null)
                  .withRedisMode(RedisMode.Sentinel, RedisSentinelProcesses.MASTER_NAME)
                  .withRedisTimeoutMillis(5000)));
    }
  }

  @AfterAll
  void stop() {
    agents.forEach(RunningAgent::close);
    if (sentinel != null) {
      sentinel.close();
    }
  }

  @BeforeEach
  void freshCounters() throws Exception {
    sentinel.master().flushAll();
  }

  @Override
  protected List<RunningAgent> agents() {
    return agents;
  }

  @Override
  protected String counter(String client) throws Exception {
    return sentinel.master().command("GET " + counterKey(client));
  }
}
