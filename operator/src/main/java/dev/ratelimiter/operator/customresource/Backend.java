package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** The Service the agents proxy allowed {@code /api/**} requests to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"service", "port", "timeoutSeconds"})
public class Backend {

  /** A Service name: a DNS-1035 label. */
  public static final String SERVICE_PATTERN = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  public static final int MAX_SERVICE_LENGTH = 63;
  public static final int DEFAULT_TIMEOUT_SECONDS = 30;
  public static final int MAX_TIMEOUT_SECONDS = 300;

  @JsonPropertyDescription("Name of a Service in the policy's namespace.")
  @Required
  @Size(min = 1, max = MAX_SERVICE_LENGTH)
  @Pattern(SERVICE_PATTERN)
  private String service;

  @JsonPropertyDescription("Port of that Service.")
  @Required
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription(
      "Seconds the agent waits for the backend's response before it answers 504.")
  @Min(1)
  @Max(MAX_TIMEOUT_SECONDS)
  @Default("30")
  private Integer timeoutSeconds;

  public Backend() {}

  public Backend(String service, Integer port, Integer timeoutSeconds) {
    this.service = service;
    this.port = port;
    this.timeoutSeconds = timeoutSeconds;
  }

  public String getService() {
    return service;
  }

  public void setService(String service) {
    this.service = service;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Integer timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  @JsonIgnore
  public int effectiveTimeoutSeconds() {
    return timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Backend)) {
      return false;
    }
    Backend b = (Backend) o;
    return Objects.equals(service, b.service)
        && Objects.equals(port, b.port)
        && Objects.equals(timeoutSeconds, b.timeoutSeconds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, port, timeoutSeconds);
  }
}
