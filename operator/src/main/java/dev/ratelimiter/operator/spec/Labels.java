package dev.ratelimiter.operator.spec;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/** The four labels every created object carries, and the selectors built from them. */
public final class Labels {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String APP = "ratelimiter";
  public static final String OPERATOR = "ratelimiter-operator";
  public static final String AGENT = "agent";
  public static final String REDIS = "redis";

  /** Informers of dependents only cache what this operator made. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private Labels() {}

  public static Map<String, String> of(RateLimitPolicy p, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP);
    labels.put(INSTANCE, p.getMetadata().getName());
    labels.put(COMPONENT, component);
    labels.put(MANAGED_BY, OPERATOR);
    return labels;
  }

  /** Pod selector (immutable on a Deployment, so it never includes the managed-by label). */
  public static Map<String, String> selector(RateLimitPolicy p, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP);
    labels.put(INSTANCE, p.getMetadata().getName());
    labels.put(COMPONENT, component);
    return labels;
  }
}
