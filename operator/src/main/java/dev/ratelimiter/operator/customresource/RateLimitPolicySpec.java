package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.ratelimiter.policy.Cidr;
import dev.ratelimiter.policy.FailurePolicy;
import dev.ratelimiter.policy.Limit;
import dev.ratelimiter.policy.Mode;
import dev.ratelimiter.policy.PlanPolicy;
import dev.ratelimiter.policy.Policy;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * What the admin asks for. Every field is optional; {@code spec: {}} means one limit {@code
 * default} of 10 requests per minute per client address. Absent values stay {@code null} here (so
 * nothing the API server did not store is written back); the {@code effective*()} methods apply the
 * defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "limits",
  "clientKey",
  "plan",
  "exemptPlans",
  "exempt",
  "mode",
  "failurePolicy",
  "agent",
  "backend",
  "redis"
})
@ValidationRule(
    value =
        "!has(self.plan) || !has(self.plan.from.claim) || (has(self.clientKey) && has(self.clientKey.source) && self.clientKey.source == 'Jwt')",
    message =
        "plan.from.claim is only allowed with clientKey.source Jwt (a claim of the verified token)",
    fieldPath = ".plan.from.claim")
@ValidationRule(
    value = "has(self.plan) || !has(self.exemptPlans)",
    message = "exemptPlans needs plan (where a client's plan comes from)",
    fieldPath = ".exemptPlans")
@ValidationRule(
    value =
        "has(self.plan) || !has(self.limits) || self.limits.all(l, !has(l.match) || !has(l.match.plans))",
    message = "match.plans needs plan (where a client's plan comes from)",
    fieldPath = ".limits")
public class RateLimitPolicySpec {

  @JsonPropertyDescription(
      "Limits; each applies to every client, for the requests its match names (all requests without one); the strictest wins. Default: one limit 'default' of"
          + " 10 requests per 1m.")
  @Size(min = Policy.MIN_LIMITS, max = Policy.MAX_LIMITS)
  @Default(
      "[{\"name\":\""
          + Limit.DEFAULT_NAME
          + "\",\"requests\":"
          + Limit.DEFAULT_REQUESTS
          + ",\"window\":\""
          + Limit.DEFAULT_WINDOW
          + "\",\"algorithm\":\"FixedWindow\"}]")
  @ValidationRule(
      value = "self.all(x, self.exists_one(y, y.name == x.name))",
      message = "limit names must be unique",
      reason = "FieldValueDuplicate")
  private List<LimitSpec> limits;

  @JsonPropertyDescription("How a client is identified.")
  @Default("{}")
  private ClientKey clientKey;

  @JsonPropertyDescription(
      "Where a client's plan comes from, and the default plan; limits pick plans with match.plans.")
  private PlanSpec plan;

  @JsonPropertyDescription("Plans whose clients are never counted nor refused.")
  @Size(min = 1, max = PlanPolicy.MAX_PLANS)
  private List<@Size(max = Limit.NAME_MAX_LENGTH) @Pattern(Limit.NAME_PATTERN) String> exemptPlans;

  @JsonPropertyDescription(
      "Client addresses (CIDRs) never counted nor refused, and given no rate-limit headers. A /0 entry is refused.")
  @Size(max = Policy.MAX_EXEMPT)
  @ValidationRule(
      value = "self.all(x, !x.matches('/0+$'))",
      message =
          "an exempt entry ending in /0 would exempt every address, so nothing would ever be limited")
  private List<@Size(max = Cidr.MAX_TEXT_LENGTH) @Pattern(Cidr.PATTERN) String> exempt;

  @JsonPropertyDescription(
      "Enforce: refuse requests over a limit. Shadow: count exactly as Enforce would but never refuse"
          + " (headers as usual; would-be refusals are counted in the metrics and logged).")
  @Default("Enforce")
  @SchemaFrom(type = Mode.class)
  private String mode;

  @JsonPropertyDescription(
      "What agents do when the store cannot be reached: Open (allow), Closed (503) or Local (each of the N"
          + " ready agents enforces ceil(requests / N) per client and window on its own until the store answers).")
  @Default("Open")
  @SchemaFrom(type = FailurePolicy.class)
  private String failurePolicy;

  @JsonPropertyDescription("The agent fleet: replicas, autoscaling, Service, resources.")
  @Default("{}")
  private AgentSpec agent;

  @JsonPropertyDescription(
      "Optional: the Service that allowed /api/** requests are proxied to. Without it, the agents"
          + " answer /api themselves.")
  private Backend backend;

  @JsonPropertyDescription(
      "The Redis the agents share. Default: the operator runs one for this policy.")
  private RedisSpec redis;

  public List<LimitSpec> getLimits() {
    return limits;
  }

  public void setLimits(List<LimitSpec> limits) {
    this.limits = limits;
  }

  public ClientKey getClientKey() {
    return clientKey;
  }

  public void setClientKey(ClientKey clientKey) {
    this.clientKey = clientKey;
  }

  public PlanSpec getPlan() {
    return plan;
  }

  public void setPlan(PlanSpec plan) {
    this.plan = plan;
  }

  public List<String> getExemptPlans() {
    return exemptPlans;
  }

  public void setExemptPlans(List<String> exemptPlans) {
    this.exemptPlans = exemptPlans;
  }

  public List<String> getExempt() {
    return exempt;
  }

  public void setExempt(List<String> exempt) {
    this.exempt = exempt;
  }

  public String getMode() {
    return mode;
  }

  public void setMode(String mode) {
    this.mode = mode;
  }

  public String getFailurePolicy() {
    return failurePolicy;
  }

  public void setFailurePolicy(String failurePolicy) {
    this.failurePolicy = failurePolicy;
  }

  public AgentSpec getAgent() {
    return agent;
  }

  public void setAgent(AgentSpec agent) {
    this.agent = agent;
  }

  public Backend getBackend() {
    return backend;
  }

  public void setBackend(Backend backend) {
    this.backend = backend;
  }

  public RedisSpec getRedis() {
    return redis;
  }

  public void setRedis(RedisSpec redis) {
    this.redis = redis;
  }

  // ---- defaults, applied by the operator (the schema defaults cover the same ground) ----

  @JsonIgnore
  public List<LimitSpec> effectiveLimits() {
    if (limits == null || limits.isEmpty()) {
      return List.of(LimitSpec.defaultLimit());
    }
    return limits;
  }

  @JsonIgnore
  public AgentSpec effectiveAgent() {
    return agent == null ? new AgentSpec() : agent;
  }

  /** True when the operator runs Redis for this policy (no {@code redis.external}). */
  @JsonIgnore
  public boolean internalRedis() {
    return redis == null || redis.getExternal() == null;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RateLimitPolicySpec)) {
      return false;
    }
    RateLimitPolicySpec that = (RateLimitPolicySpec) o;
    return Objects.equals(limits, that.limits)
        && Objects.equals(clientKey, that.clientKey)
        && Objects.equals(plan, that.plan)
        && Objects.equals(exemptPlans, that.exemptPlans)
        && Objects.equals(exempt, that.exempt)
        && Objects.equals(mode, that.mode)
        && Objects.equals(failurePolicy, that.failurePolicy)
        && Objects.equals(agent, that.agent)
        && Objects.equals(backend, that.backend)
        && Objects.equals(redis, that.redis);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        limits, clientKey, plan, exemptPlans, exempt, mode, failurePolicy, agent, backend, redis);
  }
}
