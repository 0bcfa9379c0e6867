package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.AgentSettings;
import dev.ratelimiter.agent.RunningAgent;
import org.junit.jupiter.api.DisplayName;

@DisplayName("An agent with the in-memory store")
class InMemoryAgentTest extends AgentBehaviourContract {

  @Override
  protected RunningAgent startAgent(String policyYaml) {
    return RunningAgent.start(AgentSettings.local(null, null, null), policyYaml);
  }
}
