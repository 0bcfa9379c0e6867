package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The Redis the agents share. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RedisSpec {

  @JsonPropertyDescription("Use an existing Redis instead of one run by the operator.")
  private ExternalRedis external;

  public RedisSpec() {}

  public RedisSpec(ExternalRedis external) {
    this.external = external;
  }

  public ExternalRedis getExternal() {
    return external;
  }

  public void setExternal(ExternalRedis external) {
    this.external = external;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RedisSpec && Objects.equals(external, ((RedisSpec) o).external);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(external);
  }
}
