package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ratelimiter.policy.ClientKeyPolicy;
import dev.ratelimiter.policy.JwtPolicy;
import dev.ratelimiter.policy.Limit;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** Where a client's plan comes from (the shared {@code dev.ratelimiter.policy.PlanPolicy}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"from", "default"})
public class PlanSpec {

  /** {@code header} or {@code claim}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"header", "claim"})
  @ValidationRule(
      value = "has(self.header) != has(self.claim)",
      message =
          "from must name exactly one of header (from trusted proxies) and claim (of the verified token)")
  public static class From {

    @JsonPropertyDescription(
        "A request header naming the plan, believed only from clientKey.trustedProxies.")
    @Size(min = 1, max = ClientKeyPolicy.HEADER_NAME_MAX_LENGTH)
    @Pattern(ClientKeyPolicy.HEADER_NAME_PATTERN)
    private String header;

    @JsonPropertyDescription(
        "A claim of the verified token naming the plan (clientKey.source Jwt).")
    @Pattern(JwtPolicy.CLAIM_PATTERN)
    private String claim;

    public String getHeader() {
      return header;
    }

    public void setHeader(String header) {
      this.header = header;
    }

    public String getClaim() {
      return claim;
    }

    public void setClaim(String claim) {
      this.claim = claim;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof From f
          && Objects.equals(header, f.header)
          && Objects.equals(claim, f.claim);
    }

    @Override
    public int hashCode() {
      return Objects.hash(header, claim);
    }
  }

  @JsonPropertyDescription("Where the plan is read.")
  @Required
  private From from;

  @JsonPropertyDescription(
      "The plan of a client that names none, or one the policy does not name. Default 'default'.")
  @Size(max = Limit.NAME_MAX_LENGTH)
  @Pattern(Limit.NAME_PATTERN)
  @com.fasterxml.jackson.annotation.JsonProperty("default")
  private String defaultPlan;

  public From getFrom() {
    return from;
  }

  public void setFrom(From from) {
    this.from = from;
  }

  public String getDefaultPlan() {
    return defaultPlan;
  }

  public void setDefaultPlan(String defaultPlan) {
    this.defaultPlan = defaultPlan;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlanSpec p
        && Objects.equals(from, p.from)
        && Objects.equals(defaultPlan, p.defaultPlan);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, defaultPlan);
  }
}
