package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("An agent with the Redis store")
class RedisAgentTest extends AgentBehaviourContract {

  private static RedisServerProcess redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start(null);
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void freshCounters() throws Exception {
    redis.flushAll();
  }

  @Override
  protected RunningAgent startAgent(String policyYaml) {
    // Not the default 100 ms: on a busy machine a slow answer would fail open and the exact
    // counts asserted here would see a scheduler, not the limiter.
    return RunningAgent.start(TestSettings.local(redis.url(), null, null), policyYaml);
  }
}
