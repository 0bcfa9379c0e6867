package dev.ratelimiter.operator.customresource;

/** Kubernetes Service types the public Service may have. */
public enum ServiceType {
  ClusterIP,
  NodePort,
  LoadBalancer
}
