package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.AgentServiceSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.ServiceType;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Service {@code <name>}: the public face, port from {@code spec.agent.service} to the agents' http
 * port ({@code /api}, {@code /check}), and port {@code grpc} (8081) to the agents' gRPC port
 * (Envoy's rate limit service). NodePort and LoadBalancer get {@code externalTrafficPolicy: Local}
 * so agents see client IPs.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentServiceDependentResource extends PolicyDependentResource<Service> {

  public AgentServiceDependentResource() {
    super(Service.class);
  }

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.agentService(policy);
  }

  @Override
  protected Service desired(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    AgentServiceSpec svc = policy.getSpec().effectiveAgent().effectiveService();
    ServiceType type = svc.effectiveType();
    return new ServiceBuilder()
        .withMetadata(meta(policy, name(policy), Labels.of(policy, Labels.AGENT)))
        .withNewSpec()
        .withType(type.name())
        .withSelector(Labels.selector(policy, Labels.AGENT))
        .withExternalTrafficPolicy(type == ServiceType.ClusterIP ? null : "Local")
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(svc.effectivePort())
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .addNewPort()
        .withName("grpc")
        .withProtocol("TCP")
        .withAppProtocol("kubernetes.io/h2c")
        .withPort(Names.AGENT_GRPC_PORT)
        .withTargetPort(new IntOrString("grpc"))
        .endPort()
        .endSpec()
        .build();
  }

  /** The generic match, and an exact one of what is rendered in full ({@link ServiceFields}). */
  @Override
  public Matcher.Result<Service> match(
      Service actual, Service desired, RateLimitPolicy primary, Context<RateLimitPolicy> context) {
    Matcher.Result<Service> generic = super.match(actual, desired, primary, context);
    if (!generic.matched()) {
      return generic;
    }
    return Matcher.Result.computed(ServiceFields.matches(desired, actual), desired);
  }

  /** The replacing PUT keeps what the API server allocated and still applies, and the status. */
  @Override
  public Service update(
      Service actual, Service desired, RateLimitPolicy primary, Context<RateLimitPolicy> context) {
    ServiceFields.keepAllocated(actual, desired);
    desired.setStatus(actual.getStatus());
    return super.update(actual, desired, primary, context);
  }
}
