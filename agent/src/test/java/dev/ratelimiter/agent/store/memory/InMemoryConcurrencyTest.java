package dev.ratelimiter.agent.store.memory;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.agent.store.ConcurrencyContract;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;

@DisplayName("One agent on four event loops with the in-memory store")
class InMemoryConcurrencyTest extends ConcurrencyContract {

  private RunningAgent agent;

  @BeforeEach
  void start() {
    agent = startOnSeveralLoops(TestSettings.local(null, null, null));
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Override
  protected List<RunningAgent> agents() {
    return List.of(agent);
  }

  @Override
  protected String counter(String client) {
    return null; // the counts the agent answered are all there is to see
  }
}
