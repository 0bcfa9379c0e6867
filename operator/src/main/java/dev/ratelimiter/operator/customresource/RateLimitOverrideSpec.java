package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ratelimiter.policy.Limit;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** Which clients of which policy get which quotas, until when. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"policy", "clients", "limits", "expires"})
@ValidationRule(
    value = "self.limits.all(l, self.limits.exists_one(m, m.name == l.name))",
    message = "each limit may be given once",
    fieldPath = ".limits")
public class RateLimitOverrideSpec {

  /** Clients one override may name; a policy's overrides name at most 10,000 in all. */
  public static final int MAX_CLIENTS = 1000;

  @Required
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  @Size(min = 1, max = 63)
  @JsonPropertyDescription(
      "The RateLimitPolicy, in this namespace, whose clients get other quotas.")
  private String policy;

  @Required
  @Size(min = 1, max = MAX_CLIENTS)
  @JsonPropertyDescription(
      "Canonical client keys, as the agents count them: an address, key:... for a header, jwt:... for a token (see docs/on-call.md).")
  private List<@Size(min = 1, max = 256) @Pattern("^[!-~]+$") String> clients = new ArrayList<>();

  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription("The quotas these clients get instead of the policy's, per limit name.")
  private List<OverrideLimit> limits = new ArrayList<>();

  @Required
  @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$")
  @JsonPropertyDescription(
      "When the override ends (RFC 3339, UTC), at most 90 days ahead; it stops applying at this time by itself.")
  private String expires;

  /** One limit's quota for the override's clients. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "requests", "burst"})
  public static class OverrideLimit {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(min = 1, max = 63)
    @JsonPropertyDescription("A limit of the policy.")
    private String name;

    @Required
    @Min(Limit.MIN_REQUESTS)
    @Max(Limit.MAX_REQUESTS)
    @JsonPropertyDescription("The limit's requests for these clients.")
    private Long requests;

    @Min(Limit.MIN_BURST)
    @Max(Limit.MAX_BURST)
    @JsonPropertyDescription(
        "A TokenBucket's burst for these clients; default: the larger of the policy's burst and requests.")
    private Long burst;

    public OverrideLimit() {}

    public OverrideLimit(String name, long requests) {
      this.name = name;
      this.requests = requests;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Long getRequests() {
      return requests;
    }

    public void setRequests(Long requests) {
      this.requests = requests;
    }

    public Long getBurst() {
      return burst;
    }

    public void setBurst(Long burst) {
      this.burst = burst;
    }
  }

  public String getPolicy() {
    return policy;
  }

  public void setPolicy(String policy) {
    this.policy = policy;
  }

  public List<String> getClients() {
    return clients;
  }

  public void setClients(List<String> clients) {
    this.clients = clients;
  }

  public List<OverrideLimit> getLimits() {
    return limits;
  }

  public void setLimits(List<OverrideLimit> limits) {
    this.limits = limits;
  }

  public String getExpires() {
    return expires;
  }

  public void setExpires(String expires) {
    this.expires = expires;
  }
}
