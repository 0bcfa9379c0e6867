package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** HorizontalPodAutoscaler settings for the agent Deployment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"minReplicas", "maxReplicas", "targetCPUUtilizationPercentage"})
@ValidationRule(
    value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    message = "minReplicas must not exceed maxReplicas",
    fieldPath = ".minReplicas")
public class Autoscaling {

  @Min(1)
  @Max(1000)
  @Default("2")
  private Integer minReplicas;

  @Required
  @Min(1)
  @Max(1000)
  private Integer maxReplicas;

  @JsonPropertyDescription("Average CPU utilisation the HPA aims for, in percent of the request.")
  @Min(1)
  @Max(100)
  @Default("70")
  private Integer targetCPUUtilizationPercentage;

  public Autoscaling() {}

  public Autoscaling(Integer minReplicas, Integer maxReplicas, Integer target) {
    this.minReplicas = minReplicas;
    this.maxReplicas = maxReplicas;
    this.targetCPUUtilizationPercentage = target;
  }

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public Integer getTargetCPUUtilizationPercentage() {
    return targetCPUUtilizationPercentage;
  }

  public void setTargetCPUUtilizationPercentage(Integer targetCPUUtilizationPercentage) {
    this.targetCPUUtilizationPercentage = targetCPUUtilizationPercentage;
  }

  @JsonIgnore
  public int effectiveMinReplicas() {
    return minReplicas == null ? 2 : minReplicas;
  }

  @JsonIgnore
  public int effectiveTargetCPUUtilizationPercentage() {
    return targetCPUUtilizationPercentage == null ? 70 : targetCPUUtilizationPercentage;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Autoscaling)) {
      return false;
    }
    Autoscaling a = (Autoscaling) o;
    return Objects.equals(minReplicas, a.minReplicas)
        && Objects.equals(maxReplicas, a.maxReplicas)
        && Objects.equals(targetCPUUtilizationPercentage, a.targetCPUUtilizationPercentage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(minReplicas, maxReplicas, targetCPUUtilizationPercentage);
  }
}
