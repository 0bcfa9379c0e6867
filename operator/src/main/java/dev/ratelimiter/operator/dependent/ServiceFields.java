package dev.ratelimiter.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Service's fields split by owner. The operator renders the type, the selector, the {@code
 * externalTrafficPolicy} and the ports (name, protocol, port, target port, app protocol) in full,
 * so those are compared exactly: JOSDK's generic matcher (SSA off) takes whatever the live object
 * has beyond the desired one for a server default and would miss, say, a port added by hand. The
 * API server allocates the cluster IP, node ports and health check node port, and defaults a few
 * more fields: those are never compared, and the update carries the allocated ones over the way the
 * API server itself does on a PUT that leaves them out (node ports only while the new type still
 * has node ports, matched by port name; the health check node port only for a LoadBalancer with
 * {@code externalTrafficPolicy: Local}), so a switch to ClusterIP drops them.
 */
final class ServiceFields {

  private ServiceFields() {}

  static boolean matches(Service desired, Service actual) {
    ServiceSpec want = desired.getSpec();
    ServiceSpec have = actual.getSpec();
    if (have == null) {
      return false;
    }
    return Objects.equals(type(want), type(have))
        && Objects.equals(want.getExternalTrafficPolicy(), have.getExternalTrafficPolicy())
        && Objects.equals(orEmpty(want.getSelector()), orEmpty(have.getSelector()))
        && ports(want).equals(ports(have));
  }

  /**
   * Copies into {@code desired} what the API server allocated for {@code actual} and still applies.
   */
  static void keepAllocated(Service actual, Service desired) {
    ServiceSpec have = actual.getSpec();
    ServiceSpec want = desired.getSpec();
    if (have == null) {
      return;
    }
    want.setClusterIP(have.getClusterIP());
    want.setClusterIPs(have.getClusterIPs());
    want.setIpFamilies(have.getIpFamilies());
    want.setIpFamilyPolicy(have.getIpFamilyPolicy());
    String type = type(want);
    boolean nodePorts = type.equals("NodePort") || type.equals("LoadBalancer");
    if (nodePorts && orEmpty(have.getPorts()) != null) {
      Map<String, Integer> allocated = new HashMap<>();
      orEmpty(have.getPorts()).forEach(p -> allocated.put(p.getName(), p.getNodePort()));
      orEmpty(want.getPorts()).forEach(p -> p.setNodePort(allocated.get(p.getName())));
    }
    if (type.equals("LoadBalancer")) {
      want.setAllocateLoadBalancerNodePorts(have.getAllocateLoadBalancerNodePorts());
      if ("Local".equals(want.getExternalTrafficPolicy())) {
        want.setHealthCheckNodePort(have.getHealthCheckNodePort());
      }
    }
  }

  private static String type(ServiceSpec spec) {
    return spec.getType() == null ? "ClusterIP" : spec.getType();
  }

  /** The ports as the operator renders them: without the allocated node port. */
  private static List<List<Object>> ports(ServiceSpec spec) {
    return orEmpty(spec.getPorts()).stream()
        .map(
            p ->
                List.<Object>of(
                    String.valueOf(p.getName()),
                    p.getProtocol() == null ? "TCP" : p.getProtocol(),
                    String.valueOf(p.getPort()),
                    String.valueOf(p.getTargetPort()),
                    String.valueOf(p.getAppProtocol())))
        .toList();
  }

  private static List<ServicePort> orEmpty(List<ServicePort> ports) {
    return Objects.requireNonNullElse(ports, List.of());
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return Objects.requireNonNullElse(map, Map.of());
  }
}
