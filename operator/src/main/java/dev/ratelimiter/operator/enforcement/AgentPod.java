package dev.ratelimiter.operator.enforcement;

import dev.ratelimiter.contract.AgentContract;
import dev.ratelimiter.operator.spec.Names;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A ready agent pod the operator pushes to: it has {@code status.podIP}, its {@code Ready}
 * condition is True, it is not being deleted, and its admin API listens on the port its container
 * declares as {@code management} (9090 when none is named so).
 */
public record AgentPod(String name, String ip, int managementPort) {

  public URI adminPolicyUri() {
    return adminUri(AgentContract.ADMIN_POLICY_PATH);
  }

  /** {@code pathAndQuery} (already encoded) on this pod's management port. */
  public URI adminUri(String pathAndQuery) {
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    return URI.create("http://" + host + ":" + managementPort + pathAndQuery);
  }

  /** The ready ones among {@code pods}, sorted by name. */
  public static List<AgentPod> ready(Collection<Pod> pods) {
    return pods.stream()
        .filter(AgentPod::isReady)
        .map(
            p ->
                new AgentPod(
                    p.getMetadata().getName(), p.getStatus().getPodIP(), managementPort(p)))
        .sorted(Comparator.comparing(AgentPod::name))
        .toList();
  }

  static boolean isReady(Pod p) {
    if (p.getMetadata().getDeletionTimestamp() != null || p.getStatus() == null) {
      return false;
    }
    String ip = p.getStatus().getPodIP();
    if (ip == null || ip.isBlank() || p.getStatus().getConditions() == null) {
      return false;
    }
    return p.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static int managementPort(Pod p) {
    if (p.getSpec() == null || p.getSpec().getContainers() == null) {
      return Names.AGENT_MANAGEMENT_PORT;
    }
    return p.getSpec().getContainers().stream()
        .map(Container::getPorts)
        .filter(Objects::nonNull)
        .flatMap(List::stream)
        .filter(port -> "management".equals(port.getName()) && port.getContainerPort() != null)
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(Names.AGENT_MANAGEMENT_PORT);
  }
}
