package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"observedGeneration", "conditions", "agents", "endpoint", "limits"})
public class RateLimitPolicyStatus {

  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  private AgentsStatus agents;
  private String endpoint;

  /** Short summary for {@code kubectl get rlp}, e.g. {@code default=10/1m}. */
  private String limits;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public AgentsStatus getAgents() {
    return agents;
  }

  public void setAgents(AgentsStatus agents) {
    this.agents = agents;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public String getLimits() {
    return limits;
  }

  public void setLimits(String limits) {
    this.limits = limits;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RateLimitPolicyStatus)) {
      return false;
    }
    RateLimitPolicyStatus s = (RateLimitPolicyStatus) o;
    return Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(agents, s.agents)
        && Objects.equals(endpoint, s.endpoint)
        && Objects.equals(limits, s.limits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, agents, endpoint, limits);
  }
}
