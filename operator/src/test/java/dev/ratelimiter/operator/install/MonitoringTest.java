package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.dependent.AgentDeploymentDependentResource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The optional monitoring overlay in deploy/monitoring/")
class MonitoringTest {

  static List<HasMetadata> rendered() {
    var kubectl = Install.kubectl();
    assumeTrue(
        kubectl.isPresent(),
        "ASSUMPTION: kubectl is not on PATH, so `kubectl kustomize deploy/monitoring/` was NOT run here");
    return Install.parse(Install.kustomize(kubectl.get(), Monitoring.DIR));
  }

  static GenericKubernetesResource podMonitor(List<HasMetadata> objects, String name) {
    return objects.stream()
        .filter(
            o ->
                o instanceof GenericKubernetesResource
                    && "PodMonitor".equals(o.getKind())
                    && name.equals(o.getMetadata().getName()))
        .map(GenericKubernetesResource.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no PodMonitor " + name));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  static Map<String, Object> endpoint(GenericKubernetesResource monitor) {
    var spec = map(monitor.getAdditionalProperties().get("spec"));
    var endpoints = (List<Object>) spec.get("podMetricsEndpoints");
    assertThat(endpoints).hasSize(1);
    return map(endpoints.get(0));
  }

  static Map<String, Object> matchLabels(GenericKubernetesResource monitor) {
    return map(
        map(map(monitor.getAdditionalProperties().get("spec")).get("selector")).get("matchLabels"));
  }

  static void selects(
      GenericKubernetesResource monitor, PodTemplateSpec template, String container) {
    assertThat(template.getMetadata().getLabels())
        .as("pod labels of %s", monitor.getMetadata().getName())
        .containsAllEntriesOf(
            matchLabels(monitor).entrySet().stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> String.valueOf(e.getValue()))));
    Container c =
        template.getSpec().getContainers().stream()
            .filter(x -> container.equals(x.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(c.getPorts())
        .extracting(ContainerPort::getName)
        .contains((String) endpoint(monitor).get("port"));
    assertThat(endpoint(monitor).get("path")).isEqualTo("/metrics");
  }

  @Test
  @DisplayName(
      "renders with kubectl kustomize into two PodMonitors and a PrometheusRule (monitoring.coreos.com/v1) and the dashboard ConfigMap")
  void renders() {
    List<HasMetadata> objects = rendered();
    assertThat(objects)
        .extracting(HasMetadata::getApiVersion, HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("monitoring.coreos.com/v1", "PodMonitor"),
            org.assertj.core.groups.Tuple.tuple("monitoring.coreos.com/v1", "PodMonitor"),
            org.assertj.core.groups.Tuple.tuple("monitoring.coreos.com/v1", "PrometheusRule"),
            org.assertj.core.groups.Tuple.tuple("v1", "ConfigMap"));
    assertThat(objects)
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(Install.NAMESPACE));
    ConfigMap dashboard =
        objects.stream()
            .filter(ConfigMap.class::isInstance)
            .map(ConfigMap.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getData()).containsOnlyKeys("ratelimiter-dashboard.json");
    assertThat(dashboard.getData().get("ratelimiter-dashboard.json"))
        .isEqualTo(Install.read(Monitoring.DASHBOARD));
  }

  @Test
  @DisplayName("scrapes the operator Deployment's pods on their health port, /metrics")
  void operatorPodMonitor() {
    GenericKubernetesResource monitor = podMonitor(rendered(), "ratelimiter-operator");
    Deployment operator =
        Kustomization.objects(Install.DEPLOY).stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    selects(monitor, operator.getSpec().getTemplate(), "operator");
    assertThat(operator.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .filteredOn(p -> "health".equals(p.getName()))
        .extracting(ContainerPort::getContainerPort)
        .containsExactly(8081);
  }

  @Test
  @DisplayName(
      "scrapes every policy's agent pods, as the operator renders them, on their management port, /metrics")
  void agentPodMonitor() {
    GenericKubernetesResource monitor = podMonitor(rendered(), "ratelimiter-agents");
    assertThat(matchLabels(monitor))
        .isEqualTo(
            Map.of(
                "app.kubernetes.io/name", "ratelimiter", "app.kubernetes.io/component", "agent"));
    assertThat(map(map(monitor.getAdditionalProperties().get("spec")).get("namespaceSelector")))
        .containsEntry("any", true);
    RateLimitPolicy p = Policies.policy("shop", "api", new RateLimitPolicySpec());
    Deployment agents = new AgentDeploymentDependentResource().desired(p, MockCluster.settings());
    selects(monitor, agents.getSpec().getTemplate(), AgentDeploymentDependentResource.CONTAINER);
  }

  @Test
  @DisplayName(
      "holds a Grafana dashboard whose every query names at least one metric of the project")
  void dashboardQueriesNameMetrics() {
    var dashboard = Monitoring.dashboard();
    assertThat(dashboard.path("uid").asText()).isEqualTo("ratelimiter");
    List<String> expressions = Monitoring.expressions(dashboard);
    assertThat(expressions)
        .hasSizeGreaterThan(10)
        .allSatisfy(e -> assertThat(Monitoring.metricNames(e)).as(e).isNotEmpty());
  }

  @Test
  @DisplayName(
      "gives Grafana what it needs: a datasource variable every query panel uses, unique panel ids, a type and a place for each panel")
  void dashboardIsGrafanaShaped() {
    var dashboard = Monitoring.dashboard();
    assertThat(dashboard.path("templating").path("list"))
        .anySatisfy(
            v -> {
              assertThat(v.path("name").asText()).isEqualTo("datasource");
              assertThat(v.path("type").asText()).isEqualTo("datasource");
              assertThat(v.path("query").asText()).isEqualTo("prometheus");
            });
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    for (var panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt(-1))).as("unique id %s", panel.path("id")).isTrue();
      assertThat(panel.path("type").asText()).as("type of panel %s", panel.path("id")).isNotBlank();
      assertThat(panel.path("gridPos").path("w").asInt()).isPositive();
      if (panel.path("targets").size() > 0) {
        assertThat(panel.path("datasource").path("uid").asText())
            .as("datasource of panel %s", panel.path("id"))
            .isEqualTo("${datasource}");
      }
    }
    assertThat(ids).doesNotContain(-1);
  }
}
