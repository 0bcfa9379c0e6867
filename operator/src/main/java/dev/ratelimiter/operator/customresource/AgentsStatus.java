package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Replica counts of the agent Deployment, and how many ready agent pods have confirmed the policy's
 * current generation.
 */
@JsonPropertyOrder({"replicas", "ready", "enforcing"})
public class AgentsStatus {

  private Integer replicas;
  private Integer ready;

  /** Ready agent pods that confirmed the current generation. */
  private Integer enforcing;

  public AgentsStatus() {}

  public AgentsStatus(Integer replicas, Integer ready, Integer enforcing) {
    this.replicas = replicas;
    this.ready = ready;
    this.enforcing = enforcing;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReady() {
    return ready;
  }

  public void setReady(Integer ready) {
    this.ready = ready;
  }

  public Integer getEnforcing() {
    return enforcing;
  }

  public void setEnforcing(Integer enforcing) {
    this.enforcing = enforcing;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AgentsStatus)) {
      return false;
    }
    AgentsStatus a = (AgentsStatus) o;
    return Objects.equals(replicas, a.replicas)
        && Objects.equals(ready, a.ready)
        && Objects.equals(enforcing, a.enforcing);
  }

  @Override
  public int hashCode() {
    return Objects.hash(replicas, ready, enforcing);
  }
}
