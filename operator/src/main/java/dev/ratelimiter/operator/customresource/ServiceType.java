package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** Kubernetes Service types the public Service may have. */
public enum ServiceType {
  ClusterIP,
  NodePort,
  LoadBalancer,

  /**
   * Any value this operator does not know (e.g. written under a newer CRD). Not in the schema; the
   * validator reports it instead of the whole informer failing on it.
   */
  @JsonIgnore
  @JsonEnumDefaultValue
  Unsupported
}
