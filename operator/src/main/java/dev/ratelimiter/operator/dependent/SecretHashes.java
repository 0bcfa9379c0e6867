package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Hashes of the Secret values a pod template reads, as pod template annotations: a Secret that is
 * recreated with a new value (deleted by hand, restored by the operator with a new random one) or
 * edited changes the template, so its Deployment rolls the pods, which read the value only at
 * start. Only a SHA-256 of the value is written, never the value. The Secret dependents record the
 * value they end each reconcile with in the reconcile's workflow context; the Deployments, which
 * depend on them, read it from there.
 */
public final class SecretHashes {

  /**
   * Every annotation of ours starts with this; the matchers compare these exactly, others are left
   * alone.
   */
  public static final String PREFIX = "ratelimiter.dev/";

  public static final String ADMIN_TOKEN = PREFIX + "admin-token-hash";
  public static final String REDIS_AUTH = PREFIX + "redis-auth-hash";
  private static final String CONTEXT_KEY = "secret-sha256/";

  private SecretHashes() {}

  /** Records the hash of {@code secret}'s {@code key} (nothing when absent) for this reconcile. */
  static void record(Context<RateLimitPolicy> context, Secret secret, String key) {
    hash(secret, key)
        .ifPresent(
            h ->
                context
                    .managedWorkflowAndDependentResourceContext()
                    .put(CONTEXT_KEY + secret.getMetadata().getName(), h));
  }

  /** The hash recorded in this reconcile for Secret {@code name}, if any. */
  static Optional<String> recorded(Context<RateLimitPolicy> context, String name) {
    return context == null
        ? Optional.empty()
        : context
            .managedWorkflowAndDependentResourceContext()
            .get(CONTEXT_KEY + name, String.class);
  }

  /** SHA-256 (hex) of the decoded value of {@code key} in {@code secret}. */
  public static Optional<String> hash(Secret secret, String key) {
    if (secret == null) {
      return Optional.empty();
    }
    String encoded = secret.getData() == null ? null : secret.getData().get(key);
    if (encoded != null) {
      return Optional.of(sha256(Base64.getDecoder().decode(encoded)));
    }
    String plain = secret.getStringData() == null ? null : secret.getStringData().get(key);
    return Optional.ofNullable(plain).map(v -> sha256(v.getBytes(StandardCharsets.UTF_8)));
  }

  /** The annotations for the given hashes, in a stable order; absent hashes are left out. */
  static Map<String, String> annotations(Optional<String> adminToken, Optional<String> redisAuth) {
    Map<String, String> out = new LinkedHashMap<>();
    adminToken.ifPresent(h -> out.put(ADMIN_TOKEN, h));
    redisAuth.ifPresent(h -> out.put(REDIS_AUTH, h));
    return out;
  }

  private static String sha256(byte[] value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
