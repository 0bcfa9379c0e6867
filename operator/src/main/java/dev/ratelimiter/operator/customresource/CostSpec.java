package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ratelimiter.policy.ClientKeyPolicy;
import dev.ratelimiter.policy.Cost;
import dev.ratelimiter.policy.Limit;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** What a request costs against a token budget (the shared {@link Cost}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"usage", "reserve", "header"})
public class CostSpec {

  @JsonPropertyDescription(
      "The reported token count the budget is spent in: TotalTokens, InputTokens or OutputTokens.")
  @Required
  @SchemaFrom(type = Cost.Usage.class)
  private String usage;

  @JsonPropertyDescription(
      "Tokens reserved before forwarding a request that states no ceiling (max_tokens); 1 .. the"
          + " limit's requests (a TokenBucket: its burst). Settled to the reported usage after the"
          + " response.")
  @Required
  @Min(Cost.MIN_RESERVE)
  @Max(Limit.MAX_REQUESTS)
  private Long reserve;

  @JsonPropertyDescription(
      "Optional: a response header carrying the usage as a whole number, read instead of the body.")
  @Size(min = 1, max = ClientKeyPolicy.HEADER_NAME_MAX_LENGTH)
  @Pattern(ClientKeyPolicy.HEADER_NAME_PATTERN)
  private String header;

  public String getUsage() {
    return usage;
  }

  public void setUsage(String usage) {
    this.usage = usage;
  }

  public Long getReserve() {
    return reserve;
  }

  public void setReserve(Long reserve) {
    this.reserve = reserve;
  }

  public String getHeader() {
    return header;
  }

  public void setHeader(String header) {
    this.header = header;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CostSpec c
        && Objects.equals(usage, c.usage)
        && Objects.equals(reserve, c.reserve)
        && Objects.equals(header, c.header);
  }

  @Override
  public int hashCode() {
    return Objects.hash(usage, reserve, header);
  }
}
