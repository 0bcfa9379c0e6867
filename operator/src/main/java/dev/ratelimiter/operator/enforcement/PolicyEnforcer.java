package dev.ratelimiter.operator.enforcement;

import dev.ratelimiter.operator.Names;
import dev.ratelimiter.operator.SpecDocument;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every ready agent pod of a policy to its current generation: pushes the rendered document
 * (the same text as ConfigMap {@code <name>-agent-policy}) with the token of Secret
 * {@code <name>-agent-admin}, and says when to try again while some pod has not confirmed
 * (0.5 s, doubling up to 30 s, starting over for each new generation).
 */
public final class PolicyEnforcer {

  static final Duration FIRST_RETRY = Duration.ofMillis(500);
  static final Duration MAX_RETRY = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(PolicyEnforcer.class);

  private final PolicyPusher pusher;
  private final Map<ResourceID, Attempts> attempts = new ConcurrentHashMap<>();

  private record Attempts(long generation, int count) {}

  public PolicyEnforcer(PolicyPusher pusher) {
    this.pusher = pusher;
  }

  public PolicyEnforcer() {
    this(new PolicyPusher());
  }

  /** Pushes the policy's current generation to its ready agent pods and reports their answers. */
  public Enforcement enforce(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    long generation = policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
    List<AgentPod> pods = AgentPod.ready(context.getSecondaryResources(Pod.class));
    if (pods.isEmpty()) {
      return Enforcement.blocked(generation, 0, null);
    }
    Optional<String> token = adminToken(policy, context);
    if (token.isEmpty()) {
      return Enforcement.blocked(generation, pods.size(), "Secret " + Names.agentAdminSecret(policy) + " with the admin token not found");
    }
    List<PushResult> results = pusher.pushAll(pods, SpecDocument.yaml(policy), generation, token.get());
    results.stream().filter(r -> !r.confirmed()).forEach(r -> log.info("{}: agent pod {}", Names.policyId(policy), r.describe()));
    return Enforcement.of(generation, results);
  }

  /** When to reconcile again for {@code e}: empty once every ready pod confirmed. */
  public Optional<Duration> retryAfter(RateLimitPolicy policy, Enforcement e) {
    ResourceID id = ResourceID.fromResource(policy);
    if (!e.needsRetry()) {
      attempts.remove(id);
      return Optional.empty();
    }
    Attempts next = attempts.compute(id, (k, a) -> a == null || a.generation() != e.generation() ? new Attempts(e.generation(), 1) : new Attempts(a.generation(), a.count() + 1));
    long millis = FIRST_RETRY.toMillis() << Math.min(next.count() - 1, 10);
    return Optional.of(Duration.ofMillis(Math.min(millis, MAX_RETRY.toMillis())));
  }

  private static Optional<String> adminToken(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    String name = Names.agentAdminSecret(policy);
    return context.getSecondaryResourcesAsStream(Secret.class)
        .filter(s -> name.equals(s.getMetadata().getName()))
        .findFirst()
        .map(Secret::getData)
        .map(d -> d.get(Names.ADMIN_TOKEN_KEY))
        .map(v -> new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
  }
}
