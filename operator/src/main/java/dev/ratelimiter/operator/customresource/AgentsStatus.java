package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** Replica counts of the agent Deployment. */
@JsonPropertyOrder({"replicas", "ready"})
public class AgentsStatus {

  private Integer replicas;
  private Integer ready;

  public AgentsStatus() {}

  public AgentsStatus(Integer replicas, Integer ready) {
    this.replicas = replicas;
    this.ready = ready;
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

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AgentsStatus)) {
      return false;
    }
    AgentsStatus a = (AgentsStatus) o;
    return Objects.equals(replicas, a.replicas) && Objects.equals(ready, a.ready);
  }

  @Override
  public int hashCode() {
    return Objects.hash(replicas, ready);
  }
}
