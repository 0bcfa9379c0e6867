package dev.ratelimiter.agent;

import dev.ratelimiter.policy.InvalidPolicyException;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyParser;

/** Starts a real agent in this JVM (own Vert.x, loopback, ephemeral ports) for a test. */
public final class RunningAgent implements AutoCloseable {

  public final Agent agent;

  private RunningAgent(Agent agent) {
    this.agent = agent;
  }

  public static RunningAgent start(TestSettings settings, String policyYaml) {
    return start(settings.build(), policyYaml);
  }

  public static RunningAgent start(AgentSettings settings, String policyYaml) {
    Policy policy;
    try {
      policy = policyYaml == null ? Policy.defaultPolicy() : PolicyParser.parse(policyYaml);
    } catch (InvalidPolicyException e) {
      throw new IllegalArgumentException(e);
    }
    return new RunningAgent(TestHttp.await(Agent.start(settings, policy)));
  }

  public int http() {
    return agent.httpPort();
  }

  public int management() {
    return agent.managementPort();
  }

  @Override
  public void close() {
    try {
      agent.stop(1000).get(20, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("agent did not stop: " + e, e);
    }
  }
}
