package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.settings.OperatorSettings;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * NetworkPolicy {@code <name>-agent}: the agents' public port (and the gRPC port) from anywhere;
 * the management port (health, metrics, admin API) only from pods in the operator's namespace,
 * which pushes policies there. Anything else to the agent pods is refused where the CNI enforces
 * NetworkPolicies. Kubelet probes are not pod traffic and are not affected.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentNetworkPolicyDependentResource extends PolicyDependentResource<NetworkPolicy> {

  /** The label every namespace carries with its own name (Kubernetes 1.21+). */
  public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  public AgentNetworkPolicyDependentResource() {
    super(NetworkPolicy.class);
  }

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.agentNetworkPolicy(policy);
  }

  @Override
  protected NetworkPolicy desired(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    return desired(policy, OperatorSettings.of(context));
  }

  /** The desired object under {@code settings} (the operator's namespace comes from them). */
  public NetworkPolicy desired(RateLimitPolicy policy, OperatorSettings settings) {
    return new NetworkPolicyBuilder()
        .withMetadata(meta(policy, name(policy), Labels.of(policy, Labels.AGENT)))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(Labels.selector(policy, Labels.AGENT))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        // no "from": any source
        .addNewIngress()
        .withPorts(tcp(Names.AGENT_HTTP_PORT), tcp(Names.AGENT_GRPC_PORT))
        .endIngress()
        .addNewIngress()
        .addNewFrom()
        .withNewNamespaceSelector()
        .addToMatchLabels(NAMESPACE_NAME_LABEL, settings.operatorNamespace())
        .endNamespaceSelector()
        .endFrom()
        .withPorts(tcp(Names.AGENT_MANAGEMENT_PORT))
        .endIngress()
        .endSpec()
        .build();
  }

  private static NetworkPolicyPort tcp(int port) {
    return new NetworkPolicyPortBuilder()
        .withProtocol("TCP")
        .withPort(new IntOrString(port))
        .build();
  }
}
