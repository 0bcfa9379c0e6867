package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ratelimiter.policy.ClientKeyPolicy;
import dev.ratelimiter.policy.HeaderMatch;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/** A header a request must carry for a limit to apply (the shared {@link HeaderMatch}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "values"})
public class HeaderMatchSpec {

  @JsonPropertyDescription("The header's name (compared case-insensitively).")
  @Required
  @Size(min = 1, max = ClientKeyPolicy.HEADER_NAME_MAX_LENGTH)
  @Pattern(ClientKeyPolicy.HEADER_NAME_PATTERN)
  private String name;

  @JsonPropertyDescription(
      "Values that fit, compared exactly with every occurrence and comma-separated element; without"
          + " values the header need only be present.")
  @Size(min = 1, max = HeaderMatch.MAX_VALUES)
  private List<@Size(max = HeaderMatch.MAX_VALUE_LENGTH) @Pattern(HeaderMatch.VALUE_PATTERN) String>
      values;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public List<String> getValues() {
    return values;
  }

  public void setValues(List<String> values) {
    this.values = values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeaderMatchSpec h
        && Objects.equals(name, h.name)
        && Objects.equals(values, h.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, values);
  }
}
