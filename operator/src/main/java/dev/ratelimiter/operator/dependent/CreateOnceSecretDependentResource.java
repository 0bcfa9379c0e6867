package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * A Secret holding one random value, created when missing and never updated: a reconcile must not
 * rotate a password or token that running pods use. Deleted by hand, it is created anew with a new
 * value; the hash of the value in the pod templates that read it ({@link SecretHashes}) then rolls
 * their pods.
 */
public abstract class CreateOnceSecretDependentResource
    extends KubernetesDependentResource<Secret, RateLimitPolicy>
    implements Creator<Secret, RateLimitPolicy>, GarbageCollected<RateLimitPolicy> {

  private static final SecureRandom RANDOM = new SecureRandom();

  protected CreateOnceSecretDependentResource() {
    super(Secret.class);
  }

  protected abstract String name(RateLimitPolicy policy);

  protected abstract String key();

  protected abstract Map<String, String> labels(RateLimitPolicy policy);

  /** 32 random bytes, URL-safe base64 without padding (43 characters). */
  public static String randomValue() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Creates the Secret when missing, and records the value's hash for the pod templates that read
   * it.
   */
  @Override
  public ReconcileResult<Secret> reconcile(
      RateLimitPolicy primary, Context<RateLimitPolicy> context) {
    ReconcileResult<Secret> result = super.reconcile(primary, context);
    result.getSingleResource().ifPresent(s -> SecretHashes.record(context, s, key()));
    return result;
  }

  @Override
  protected ResourceID targetSecondaryResourceID(
      RateLimitPolicy primary, Context<RateLimitPolicy> context) {
    return new ResourceID(name(primary), primary.getMetadata().getNamespace());
  }

  @Override
  protected Secret desired(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    return new SecretBuilder()
        .withMetadata(PolicyDependentResource.meta(policy, name(policy), labels(policy)))
        .withType("Opaque")
        .addToData(
            key(),
            Base64.getEncoder().encodeToString(randomValue().getBytes(StandardCharsets.US_ASCII)))
        .build();
  }
}
