package dev.ratelimiter.operator.spec;

import dev.ratelimiter.operator.customresource.ConfigMapKeyRef;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.policy.InvalidPolicyException;
import dev.ratelimiter.policy.Jwks;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;

/**
 * The JWKS of a policy with {@code clientKey.source: Jwt}, read from the ConfigMap its {@code
 * jwt.jwksConfigMapRef} names. The operator watches only ConfigMaps labelled {@value #LABEL}{@code
 * : "true"} (so it caches JWKS, not every ConfigMap of the cluster), and an edit of one reconciles
 * the policies naming it: the new keys reach the agents as a push of the same generation within a
 * second, and Enforced turns True again once every agent has them. A missing, unlabelled or invalid
 * JWKS is refused like an invalid spec: nothing is pushed, the agents keep the keys they have.
 */
public final class JwksAccess {

  public static final String LABEL = "ratelimiter.dev/jwks";
  public static final String CONFIG_MAPS = "jwks-config-maps";
  public static final String JWKS_NOT_FOUND = "JwksNotFound";
  public static final String JWKS_INVALID = "JwksInvalid";

  /** The JWKS of a policy: its canonical text, or why there is none to push. */
  public record Read(String jwks, Refusal refusal) {}

  private JwksAccess() {}

  public static InformerEventSource<ConfigMap, RateLimitPolicy> configMaps(
      EventSourceContext<RateLimitPolicy> context) {
    return LabelledReferences.informer(
        context,
        ConfigMap.class,
        CONFIG_MAPS,
        LABEL,
        p -> ref(p) == null ? null : ref(p).getName());
  }

  /**
   * The policy's JWKS; {@code jwks} null and no refusal when it counts clients otherwise. Read and
   * judged once per reconcile: the reconciler, the policy ConfigMap and the push all ask for it.
   */
  public static Read read(RateLimitPolicy p, Context<RateLimitPolicy> context) {
    if (ref(p) == null) {
      return new Read(null, null);
    }
    var reconcile = context.managedWorkflowAndDependentResourceContext();
    Optional<Read> done = reconcile.get(Read.class, Read.class);
    if (done.isPresent()) {
      return done.get();
    }
    Read read = readNow(p, context);
    reconcile.put(Read.class, read);
    return read;
  }

  private static Read readNow(RateLimitPolicy p, Context<RateLimitPolicy> context) {
    ConfigMapKeyRef ref = ref(p);
    String ns = p.getMetadata().getNamespace();
    Optional<ConfigMap> map =
        LabelledReferences.get(context, ConfigMap.class, CONFIG_MAPS, p, ref.getName());
    String field = "spec.clientKey.jwt.jwksConfigMapRef";
    if (map.isEmpty()) {
      return refused(
          JWKS_NOT_FOUND,
          field
              + ": ConfigMap "
              + ns
              + "/"
              + ref.getName()
              + " does not exist or is not labelled "
              + LABEL
              + "=\"true\"; label it with: kubectl -n "
              + ns
              + " label configmap "
              + ref.getName()
              + " "
              + LABEL
              + "=true");
    }
    String text = map.get().getData() == null ? null : map.get().getData().get(ref.getKey());
    if (text == null) {
      return refused(
          JWKS_NOT_FOUND,
          field + ": ConfigMap " + ns + "/" + ref.getName() + " has no key " + ref.getKey());
    }
    try {
      return new Read(
          Jwks.canonical(text, "ConfigMap " + ref.getName() + " " + ref.getKey()), null);
    } catch (InvalidPolicyException e) {
      return refused(JWKS_INVALID, field + ": " + e.getMessage());
    }
  }

  private static Read refused(String reason, String message) {
    return new Read(null, new Refusal(reason, message));
  }

  private static ConfigMapKeyRef ref(RateLimitPolicy p) {
    var spec = p.getSpec();
    if (spec == null || spec.getClientKey() == null || spec.getClientKey().getJwt() == null) {
      return null;
    }
    return spec.getClientKey().getJwt().getJwksConfigMapRef();
  }
}
