package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestSettings;
import org.junit.jupiter.api.DisplayName;

@DisplayName("An agent with the in-memory store")
class InMemoryAgentTest extends AgentBehaviourContract {

  @Override
  protected RunningAgent startAgent(String policyYaml) {
    return RunningAgent.start(TestSettings.local(null, null, null), policyYaml);
  }
}
