package dev.ratelimiter.operator;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import java.util.function.Consumer;

/**
 * The one place tests build policies and specs (in the spirit of Strimzi's {@code
 * ResourceProvider}): a policy as an admin applies it, a policy as the API server hands it to the
 * operator, and a spec from its defaults with a change.
 */
public final class Policies {

  private Policies() {}

  /** {@code namespace/name} with {@code spec}, as an admin applies it: no generation yet. */
  public static RateLimitPolicy policy(String namespace, String name, RateLimitPolicySpec spec) {
    RateLimitPolicy p = new RateLimitPolicy();
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace(namespace);
    p.setSpec(spec);
    return p;
  }

  /** As the API server hands it to the operator: at {@code generation}. */
  public static RateLimitPolicy policy(
      String namespace, String name, long generation, RateLimitPolicySpec spec) {
    RateLimitPolicy p = policy(namespace, name, spec);
    p.getMetadata().setGeneration(generation);
    return p;
  }

  /** A spec of the defaults with {@code change} applied. */
  public static RateLimitPolicySpec spec(Consumer<RateLimitPolicySpec> change) {
    RateLimitPolicySpec spec = new RateLimitPolicySpec();
    change.accept(spec);
    return spec;
  }
}
