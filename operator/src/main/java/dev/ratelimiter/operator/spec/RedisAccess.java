package dev.ratelimiter.operator.spec;

import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.SecretKeyRef;
import dev.ratelimiter.operator.settings.OperatorSettings;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;

/**
 * What an external Redis may use. A policy may name a password Secret only when the Secret's owner
 * labelled it {@value #ALLOW_LABEL}{@code : "true"}: without that, anyone who can write a policy
 * could have the operator mount any Secret of the namespace into agent pods. REDIS_ALLOWED_HOSTS
 * (operator setting) limits the hosts an external Redis may be on. The operator watches only
 * Secrets with that label, so labelling one triggers the reconcile that uses it.
 */
public final class RedisAccess {

  public static final String ALLOW_LABEL = "ratelimiter.dev/allow-redis-credentials";
  public static final String SECRETS = "redis-credential-secrets";
  public static final String SECRET_NOT_ALLOWED = "SecretNotAllowed";
  public static final String HOST_NOT_ALLOWED = "HostNotAllowed";

  private RedisAccess() {}

  /**
   * Secrets labelled {@value #ALLOW_LABEL}=true in the watched namespaces, mapped to the policies
   * naming them.
   */
  public static InformerEventSource<Secret, RateLimitPolicy> secrets(
      EventSourceContext<RateLimitPolicy> context) {
    return LabelledReferences.informer(
        context, Secret.class, SECRETS, ALLOW_LABEL, RedisAccess::secretName);
  }

  /** Empty when the policy's external Redis (if any) may be used as written. */
  public static Optional<Refusal> check(RateLimitPolicy p, Context<RateLimitPolicy> context) {
    if (p.getSpec().internalRedis()) {
      return Optional.empty();
    }
    ExternalRedis external = p.getSpec().getRedis().getExternal();
    OperatorSettings settings = OperatorSettings.of(context);
    for (String host : RedisUrls.hosts(external.getUrl())) {
      if (!settings.redisHostAllowed(host)) {
        return Optional.of(
            new Refusal(
                HOST_NOT_ALLOWED,
                "spec.redis.external.url: host "
                    + host
                    + " is not allowed by the operator's REDIS_ALLOWED_HOSTS ("
                    + String.join(", ", settings.redisAllowedHosts())
                    + "); use a Redis on an allowed host or ask the operator's admin"));
      }
    }
    String name = secretName(p);
    if (name != null && !labelled(p, name, context)) {
      String ns = p.getMetadata().getNamespace();
      return Optional.of(
          new Refusal(
              SECRET_NOT_ALLOWED,
              "Secret "
                  + ns
                  + "/"
                  + name
                  + " named by spec.redis.external.passwordSecretRef does not exist or is not labelled "
                  + ALLOW_LABEL
                  + "=\"true\"; its owner allows its use with: kubectl -n "
                  + ns
                  + " label secret "
                  + name
                  + " "
                  + ALLOW_LABEL
                  + "=true"));
    }
    return Optional.empty();
  }

  /**
   * The labelled Secret named by {@code spec.redis.external.passwordSecretRef}, as the operator
   * sees it.
   */
  public static Optional<Secret> passwordSecret(
      RateLimitPolicy p, Context<RateLimitPolicy> context) {
    String name = secretName(p);
    if (name == null) {
      return Optional.empty();
    }
    return LabelledReferences.get(context, Secret.class, SECRETS, p, name);
  }

  private static boolean labelled(
      RateLimitPolicy p, String name, Context<RateLimitPolicy> context) {
    return passwordSecret(p, context)
        .map(s -> s.getMetadata().getLabels())
        .map(l -> "true".equals(l.get(ALLOW_LABEL)))
        .orElse(false);
  }

  private static String secretName(RateLimitPolicy p) {
    if (p.getSpec() == null || p.getSpec().internalRedis()) {
      return null;
    }
    SecretKeyRef ref = p.getSpec().getRedis().getExternal().getPasswordSecretRef();
    return ref == null ? null : ref.getName();
  }
}
