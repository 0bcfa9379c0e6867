package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratelimiter.operator.OperatorMain;
import dev.ratelimiter.operator.dependent.AgentDeploymentDependentResource;
import dev.ratelimiter.operator.settings.OperatorSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The install in deploy/ (kustomize base)")
class InstallManifestsTest {

  static List<HasMetadata> objects;

  /** The objects the kustomization's resources hold, read file by file (no kubectl needed). */
  @BeforeAll
  static void load() {
    objects = Kustomization.objects(Install.DEPLOY);
  }

  static <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    assertThat(found).as("exactly one %s in deploy/", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  static Deployment operatorDeployment() {
    return one(Deployment.class);
  }

  static Container operatorContainer() {
    List<Container> containers =
        operatorDeployment().getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  static String key(HasMetadata o) {
    return o.getApiVersion()
        + " "
        + o.getKind()
        + " "
        + o.getMetadata().getNamespace()
        + "/"
        + o.getMetadata().getName();
  }

  @Test
  @DisplayName(
      "renders with `kubectl kustomize deploy/` into exactly the objects its files hold, all typed")
  void kustomizeRenders() {
    var kubectl = Install.kubectl();
    assumeTrue(
        kubectl.isPresent(),
        "ASSUMPTION: kubectl is not on PATH, so `kubectl kustomize deploy/` was NOT run here; the"
            + " Java-side checks of the same files still ran. Install kubectl to run this check.");
    List<HasMetadata> rendered = Install.parse(Install.kustomize(kubectl.get()));
    List<String> problems = new ArrayList<>();
    rendered.forEach(o -> problems.addAll(Install.untyped(o)));
    assertThat(problems).as("objects or fields fabric8 does not know").isEmpty();
    assertThat(rendered.stream().map(InstallManifestsTest::key).sorted().toList())
        .isEqualTo(objects.stream().map(InstallManifestsTest::key).sorted().toList());
    // kustomize may reorder and re-indent, but must not change content
    for (HasMetadata r : rendered) {
      HasMetadata source =
          objects.stream().filter(o -> key(o).equals(key(r))).findFirst().orElseThrow();
      assertThat(Install.SERIALIZATION.convertValue(r, JsonNode.class))
          .as("rendered %s", key(r))
          .isEqualTo(Install.SERIALIZATION.convertValue(source, JsonNode.class));
    }
  }

  @Test
  @DisplayName(
      "holds the namespace, the CRDs, RBAC and the operator Deployment, each a typed fabric8 object with no unknown field")
  void everyManifestParsesTyped() {
    List<String> problems = new ArrayList<>();
    objects.forEach(o -> problems.addAll(Install.untyped(o)));
    assertThat(problems).isEmpty();
    assertThat(objects.stream().map(HasMetadata::getKind).sorted().toList())
        .containsExactly(
            "ClusterRole",
            "ClusterRoleBinding",
            "CustomResourceDefinition",
            "CustomResourceDefinition",
            "Deployment",
            "Namespace",
            "Role",
            "RoleBinding",
            "ServiceAccount");
  }

  @Test
  @DisplayName("installs the committed CRDs from crds/ themselves, not copies that could drift")
  void crdsAreTheCommittedOnes() {
    List<CustomResourceDefinition> crds = all(CustomResourceDefinition.class);
    List<CustomResourceDefinition> committed =
        java.util.stream.Stream.of(Install.CRD, Install.OVERRIDE_CRD)
            .map(f -> (CustomResourceDefinition) Install.parse(Install.read(f)).get(0))
            .toList();
    assertThat(crds).containsExactlyInAnyOrderElementsOf(committed);
    assertThat(Install.read(Install.DEPLOY.resolve("kustomization.yaml"))).contains("- ../crds");
    assertThat(Kustomization.files(Install.DEPLOY))
        .contains(
            Install.CRD.toAbsolutePath().normalize(),
            Install.OVERRIDE_CRD.toAbsolutePath().normalize());
  }

  @Test
  @DisplayName(
      "puts everything namespaced in ratelimiter-system and binds both roles to the operator's ServiceAccount there")
  void namespaceAndBindings() {
    assertThat(one(Namespace.class).getMetadata().getName()).isEqualTo(Install.NAMESPACE);
    assertThat(Install.read(Install.DEPLOY.resolve("kustomization.yaml")))
        .contains("namespace: " + Install.NAMESPACE);
    for (HasMetadata o : objects) {
      boolean clusterScoped =
          o instanceof Namespace
              || o instanceof CustomResourceDefinition
              || o instanceof ClusterRole
              || o instanceof ClusterRoleBinding;
      assertThat(o.getMetadata().getNamespace())
          .as(key(o))
          .isEqualTo(clusterScoped ? null : Install.NAMESPACE);
    }
    ServiceAccount sa = one(ServiceAccount.class);
    assertThat(sa.getMetadata().getName()).isEqualTo(Install.SERVICE_ACCOUNT);
    Subject expected =
        new Subject(null, "ServiceAccount", Install.SERVICE_ACCOUNT, Install.NAMESPACE);
    ClusterRoleBinding crb = one(ClusterRoleBinding.class);
    assertThat(crb.getSubjects()).containsExactly(expected);
    assertThat(crb.getRoleRef())
        .isEqualTo(
            new RoleRef(
                "rbac.authorization.k8s.io",
                "ClusterRole",
                one(ClusterRole.class).getMetadata().getName()));
    RoleBinding rb = one(RoleBinding.class);
    assertThat(rb.getSubjects()).containsExactly(expected);
    assertThat(rb.getRoleRef())
        .isEqualTo(
            new RoleRef(
                "rbac.authorization.k8s.io", "Role", one(Role.class).getMetadata().getName()));
    assertThat(operatorDeployment().getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(Install.SERVICE_ACCOUNT);
  }

  @Test
  @DisplayName(
      "runs two replicas of the operator image tagged with the project version, probed on 8081 at /healthz and /readyz")
  void operatorDeployment_replicasImageProbes() {
    Deployment d = operatorDeployment();
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getSelector().getMatchLabels()).isNotEmpty();
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
    Container c = operatorContainer();
    assertThat(c.getImage())
        .isEqualTo(Install.IMAGE_REPOSITORY + "operator:" + Install.projectVersion());
    Map<String, String> env = env(c);
    assertThat(env.get("HEALTH_PORT")).isEqualTo("8081");
    assertThat(probe(c, c.getLivenessProbe().getHttpGet())).isEqualTo("8081/healthz");
    assertThat(probe(c, c.getStartupProbe().getHttpGet())).isEqualTo("8081/healthz");
    assertThat(probe(c, c.getReadinessProbe().getHttpGet())).isEqualTo("8081/readyz");
    // leader election: the Lease lives in the pod's own namespace, where the Role allows it
    EnvVar lease =
        c.getEnv().stream()
            .filter(e -> e.getName().equals("LEASE_NAMESPACE"))
            .findFirst()
            .orElseThrow();
    assertThat(lease.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    // NetworkPolicy <name>-agent admits the management port from the operator's own namespace
    EnvVar operatorNamespace =
        c.getEnv().stream()
            .filter(e -> e.getName().equals("OPERATOR_NAMESPACE"))
            .findFirst()
            .orElseThrow();
    assertThat(operatorNamespace.getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(one(Role.class).getRules())
        .anySatisfy(r -> assertThat(r.getResourceNames()).containsExactly(OperatorMain.LEASE_NAME));
  }

  @Test
  @DisplayName(
      "runs the operator as uid 10001 with the restricted security context, a read-only root and resource bounds")
  void operatorDeployment_securityAndResources() {
    PodSpec pod = operatorDeployment().getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser())
        .isEqualTo(AgentDeploymentDependentResource.RUN_AS_USER);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = operatorContainer();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    // the JVM needs a writable /tmp under a read-only root
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    Map<String, Quantity> requests = c.getResources().getRequests();
    Map<String, Quantity> limits = c.getResources().getLimits();
    assertThat(requests).containsKeys("cpu", "memory");
    assertThat(limits).containsKey("memory");
    assertThat(Quantity.getAmountInBytes(limits.get("memory")))
        .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
  }

  @Test
  @DisplayName(
      "names the same images the operator uses by default: agent built from Dockerfile.agent at the project version, pinned Redis 7")
  void imagesAgreeWithTheOperatorsDefaults() {
    OperatorSettings defaults = OperatorSettings.fromEnv(Map.of());
    assertThat(defaults.agentImage())
        .isEqualTo(Install.IMAGE_REPOSITORY + "agent:" + Install.projectVersion());
    assertThat(defaults.redisImage())
        .as("an official Redis 7 image with a full version tag")
        .matches("redis:7\\.\\d+\\.\\d+(-alpine)?");
    Map<String, String> env = env(operatorContainer());
    assertThat(env.get("AGENT_IMAGE")).isEqualTo(defaults.agentImage());
    assertThat(env.get("REDIS_IMAGE")).isEqualTo(defaults.redisImage());
    // the Dockerfile that builds the agent image says so, and is tagged by the same version
    assertThat(Install.read(Install.ROOT.resolve("Dockerfile.agent")))
        .contains("-t " + defaults.agentImage() + " ");
    assertThat(Install.read(Install.ROOT.resolve("Dockerfile.operator")))
        .contains("-t " + operatorContainer().getImage() + " ");
  }

  static Map<String, String> env(Container c) {
    return c.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  /** "port/path" of an HTTP probe, with a named port resolved against the container's ports. */
  static String probe(Container c, HTTPGetAction get) {
    Integer port = get.getPort().getIntVal();
    if (port == null) {
      port =
          c.getPorts().stream()
              .filter(p -> get.getPort().getStrVal().equals(p.getName()))
              .map(ContainerPort::getContainerPort)
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "probe names port "
                              + get.getPort().getStrVal()
                              + ", which the container lacks"));
    }
    return port + get.getPath();
  }
}
