package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/** The public Service {@code <name>}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "port"})
public class AgentServiceSpec {

  @JsonPropertyDescription(
      "ClusterIP, NodePort or LoadBalancer; the latter two keep client IPs (externalTrafficPolicy: Local).")
  @Default("ClusterIP")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private ServiceType type;

  @JsonPropertyDescription("Service port, forwarded to the agents' http port 8080.")
  @Min(1)
  @Max(65535)
  @Default("80")
  private Integer port;

  public AgentServiceSpec() {}

  public AgentServiceSpec(ServiceType type, Integer port) {
    this.type = type;
    this.port = port;
  }

  public ServiceType getType() {
    return type;
  }

  public void setType(ServiceType type) {
    this.type = type;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  @JsonIgnore
  public ServiceType effectiveType() {
    return type == null ? ServiceType.ClusterIP : type;
  }

  @JsonIgnore
  public int effectivePort() {
    return port == null ? 80 : port;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AgentServiceSpec)) {
      return false;
    }
    AgentServiceSpec s = (AgentServiceSpec) o;
    return type == s.type && Objects.equals(port, s.port);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, port);
  }
}
