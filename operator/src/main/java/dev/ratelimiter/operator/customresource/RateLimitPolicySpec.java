package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * What the admin asks for. Only the fields the agent implements today. Every field is optional;
 * {@code spec: {}} means one limit {@code default} of 10 requests per minute per client address.
 * Absent values stay {@code null} here (so nothing the API server did not store is written back);
 * the {@code effective*()} methods apply the defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"limits", "clientKey", "failurePolicy", "agent", "backend", "redis"})
public class RateLimitPolicySpec {

  @JsonPropertyDescription(
      "Limits that all apply to every client; the strictest wins. Default: one limit 'default' of"
          + " 10 requests per 1m.")
  @Size(min = 1, max = 16)
  @Default("[{\"name\":\"default\",\"requests\":10,\"window\":\"1m\",\"algorithm\":\"FixedWindow\"}]")
  @ValidationRule(
      value = "self.all(x, self.exists_one(y, y.name == x.name))",
      message = "limit names must be unique",
      reason = "FieldValueDuplicate")
  private List<Limit> limits;

  @JsonPropertyDescription("How a client is identified.")
  @Default("{}")
  private ClientKey clientKey;

  @JsonPropertyDescription("What agents do when the store cannot be reached: Open (allow) or Closed (503).")
  @Default("Open")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private FailurePolicy failurePolicy;

  @JsonPropertyDescription("The agent fleet: replicas, autoscaling, Service, resources.")
  @Default("{}")
  private AgentSpec agent;

  @JsonPropertyDescription(
      "Optional: the Service that allowed /api/** requests are proxied to. Without it, the agents"
          + " answer /api themselves.")
  private Backend backend;

  @JsonPropertyDescription("The Redis the agents share. Default: the operator runs one for this policy.")
  private RedisSpec redis;

  public List<Limit> getLimits() {
    return limits;
  }

  public void setLimits(List<Limit> limits) {
    this.limits = limits;
  }

  public ClientKey getClientKey() {
    return clientKey;
  }

  public void setClientKey(ClientKey clientKey) {
    this.clientKey = clientKey;
  }

  public FailurePolicy getFailurePolicy() {
    return failurePolicy;
  }

  public void setFailurePolicy(FailurePolicy failurePolicy) {
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
  public List<Limit> effectiveLimits() {
    if (limits == null || limits.isEmpty()) {
      return List.of(Limit.defaultLimit());
    }
    return limits;
  }

  @JsonIgnore
  public ClientKey effectiveClientKey() {
    return clientKey == null ? new ClientKey() : clientKey;
  }

  @JsonIgnore
  public FailurePolicy effectiveFailurePolicy() {
    return failurePolicy == null ? FailurePolicy.Open : failurePolicy;
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
        && failurePolicy == that.failurePolicy
        && Objects.equals(agent, that.agent)
        && Objects.equals(backend, that.backend)
        && Objects.equals(redis, that.redis);
  }

  @Override
  public int hashCode() {
    return Objects.hash(limits, clientKey, failurePolicy, agent, backend, redis);
  }
}
