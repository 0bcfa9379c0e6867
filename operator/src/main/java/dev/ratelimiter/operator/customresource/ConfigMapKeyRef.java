package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** A key in a ConfigMap of the policy's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "key"})
public class ConfigMapKeyRef {

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String name;

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[-._a-zA-Z0-9]+$")
  private String key;

  public ConfigMapKeyRef() {}

  public ConfigMapKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigMapKeyRef r
        && Objects.equals(name, r.name)
        && Objects.equals(key, r.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, key);
  }
}
