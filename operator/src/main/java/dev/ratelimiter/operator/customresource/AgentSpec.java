package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Objects;

/** The agent fleet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"replicas", "autoscaling", "service", "resources"})
public class AgentSpec {

  public static final int DEFAULT_REPLICAS = 2;

  @JsonPropertyDescription("Agent replicas when not autoscaled.")
  @Min(1)
  @Max(1000)
  @Default("2")
  private Integer replicas;

  @JsonPropertyDescription("When set, a HorizontalPodAutoscaler owns the replica count.")
  private Autoscaling autoscaling;

  @JsonPropertyDescription("The public Service in front of the agents.")
  @Default("{}")
  private AgentServiceSpec service;

  @JsonPropertyDescription(
      "Container resources of the agent. Absent or {}: requests cpu 100m, memory 128Mi; limit memory 256Mi.")
  private ResourceRequirements resources;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Autoscaling getAutoscaling() {
    return autoscaling;
  }

  public void setAutoscaling(Autoscaling autoscaling) {
    this.autoscaling = autoscaling;
  }

  public AgentServiceSpec getService() {
    return service;
  }

  public void setService(AgentServiceSpec service) {
    this.service = service;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  @JsonIgnore
  public int effectiveReplicas() {
    return replicas == null ? DEFAULT_REPLICAS : replicas;
  }

  @JsonIgnore
  public AgentServiceSpec effectiveService() {
    return service == null ? new AgentServiceSpec() : service;
  }

  /** The fewest replicas the fleet runs with: the HPA's minimum when autoscaled. */
  @JsonIgnore
  public int minimumReplicas() {
    return autoscaling == null ? effectiveReplicas() : autoscaling.effectiveMinReplicas();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AgentSpec)) {
      return false;
    }
    AgentSpec a = (AgentSpec) o;
    return Objects.equals(replicas, a.replicas)
        && Objects.equals(autoscaling, a.autoscaling)
        && Objects.equals(service, a.service)
        && Objects.equals(resources, a.resources);
  }

  @Override
  public int hashCode() {
    return Objects.hash(replicas, autoscaling, service, resources);
  }
}
