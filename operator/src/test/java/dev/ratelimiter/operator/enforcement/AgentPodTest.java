package dev.ratelimiter.operator.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An agent pod")
class AgentPodTest {

  static PodBuilder pod(String name, String ip, String ready) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("shop")
            .withLabels(
                Map.of(
                    "app.kubernetes.io/name",
                    "ratelimiter",
                    "app.kubernetes.io/instance",
                    "api",
                    "app.kubernetes.io/component",
                    "agent"))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("agent")
            .addNewPort()
            .withName("http")
            .withContainerPort(8080)
            .endPort()
            .addNewPort()
            .withName("management")
            .withContainerPort(9191)
            .endPort()
            .endContainer()
            .endSpec();
    b.withNewStatus()
        .withPodIP(ip)
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready)
        .endCondition()
        .endStatus();
    return b;
  }

  @Test
  @DisplayName(
      "is pushed to only with a pod IP, Ready=True and no deletion under way, on its container's management port")
  void readiness() {
    Pod ready = pod("api-agent-b", "10.1.0.7", "True").build();
    Pod notReady = pod("api-agent-c", "10.1.0.8", "False").build();
    Pod noIp = pod("api-agent-d", null, "True").build();
    Pod deleting =
        pod("api-agent-e", "10.1.0.9", "True")
            .editMetadata()
            .withDeletionTimestamp("2026-11-27T00:00:00Z")
            .endMetadata()
            .build();
    Pod ipv6 = pod("api-agent-a", "fd00::7", "True").build();
    Pod unnamedPorts =
        pod("api-agent-f", "10.1.0.10", "True")
            .editSpec()
            .editFirstContainer()
            .withPorts(List.of())
            .endContainer()
            .endSpec()
            .build();

    List<AgentPod> pods =
        AgentPod.ready(List.of(ready, notReady, noIp, deleting, ipv6, unnamedPorts));
    assertThat(pods)
        .containsExactly(
            new AgentPod("api-agent-a", "fd00::7", 9191),
            new AgentPod("api-agent-b", "10.1.0.7", 9191),
            new AgentPod("api-agent-f", "10.1.0.10", 9090));
    assertThat(pods.get(0).adminPolicyUri())
        .isEqualTo(URI.create("http://[fd00::7]:9191/admin/policy"));
    assertThat(pods.get(1).adminPolicyUri())
        .isEqualTo(URI.create("http://10.1.0.7:9191/admin/policy"));
  }

  @Test
  @DisplayName("belongs to the policy its instance label names, in its own namespace")
  void mapping() {
    assertThat(
            AgentPodEventSource.toPolicy()
                .toPrimaryResourceIDs(pod("api-agent-b", "10.1.0.7", "True").build()))
        .containsExactly(new ResourceID("api", "shop"));
    Pod unlabelled =
        pod("x", "10.1.0.7", "True")
            .editMetadata()
            .withLabels(Map.of("app.kubernetes.io/component", "agent"))
            .endMetadata()
            .build();
    assertThat(AgentPodEventSource.toPolicy().toPrimaryResourceIDs(unlabelled)).isEqualTo(Set.of());
    assertThat(AgentPodEventSource.SELECTOR)
        .isEqualTo("app.kubernetes.io/name=ratelimiter,app.kubernetes.io/component=agent");
  }
}
