package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.store.ConcurrencyContract;
import dev.ratelimiter.testsupport.redis.RedisSentinelProcesses;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * One master, one replica and three sentinels, all with {@code password} (or none), and three
 * agents on four event loops each in Sentinel mode finding the master through the sentinels: the
 * concurrency contract runs against them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SentinelConcurrencyContract extends ConcurrencyContract {

  private final String password;
  protected RedisSentinelProcesses sentinel;
  private final List<RunningAgent> agents = new ArrayList<>();

  protected SentinelConcurrencyContract(String password) {
    this.password = password;
  }

  @BeforeAll
  void start() {
    sentinel = RedisSentinelProcesses.start(password);
    for (int i = 0; i < 3; i++) {
      agents.add(
          startOnSeveralLoops(
              TestSettings.local(sentinel.sentinelUrls(), password, null)
                  .withRedisMode(RedisMode.Sentinel, RedisSentinelProcesses.MASTER_NAME)));
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
    if (sentinel.master().running()) {
      sentinel.master().flushAll();
    }
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
