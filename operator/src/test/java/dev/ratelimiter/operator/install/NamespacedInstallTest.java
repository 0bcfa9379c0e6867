package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.RateLimitPolicyReconciler;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The namespaced install in deploy/namespaced/ (least privilege)")
class NamespacedInstallTest {

  static List<HasMetadata> objects;
  static List<HasMetadata> base;
  static Set<String> watched;
  static Map<Access, String> needed;

  @BeforeAll
  static void load() {
    objects = Kustomization.objects(Install.NAMESPACED);
    base = Kustomization.objects(Install.DEPLOY);
    String env = watchNamespaces(one(objects, Deployment.class));
    watched =
        new TreeSet<>(
            Arrays.stream(env.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    try (MockCluster cluster = new MockCluster()) {
      Operator operator = cluster.startOperator(watched);
      needed =
          new RequiredAccess()
              .fromWorkflow(RateLimitPolicyReconciler.class)
              .fromInformers(operator)
              .declared()
              .needs();
    }
  }

  static <T extends HasMetadata> T one(List<HasMetadata> in, Class<T> type) {
    List<T> found = in.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as("exactly one %s", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  static String watchNamespaces(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("WATCH_NAMESPACES"))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse("");
  }

  static String key(HasMetadata o) {
    return InstallManifestsTest.key(o);
  }

  /**
   * Roles and RoleBindings of the watched namespaces (the leader-election ones live in the
   * operator's).
   */
  static <T extends HasMetadata> List<T> inWatched(Class<T> type) {
    return objects.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> !Install.NAMESPACE.equals(o.getMetadata().getNamespace()))
        .toList();
  }

  static Role watchedRole(String ns) {
    return inWatched(Role.class).stream()
        .filter(r -> r.getMetadata().getNamespace().equals(ns))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Role in watched namespace " + ns));
  }

  @Test
  @DisplayName(
      "renders with `kubectl kustomize deploy/namespaced/` into exactly the objects its files hold, all typed")
  void kustomizeRenders() {
    var kubectl = Install.kubectl();
    assumeTrue(
        kubectl.isPresent(),
        "ASSUMPTION: kubectl is not on PATH, so `kubectl kustomize deploy/namespaced/` was NOT run here");
    List<HasMetadata> rendered =
        Install.parse(Install.kustomize(kubectl.get(), Install.NAMESPACED));
    List<String> problems = new ArrayList<>();
    rendered.forEach(o -> problems.addAll(Install.untyped(o)));
    objects.forEach(o -> problems.addAll(Install.untyped(o)));
    assertThat(problems).isEmpty();
    assertThat(rendered.stream().map(NamespacedInstallTest::key).sorted().toList())
        .isEqualTo(objects.stream().map(NamespacedInstallTest::key).sorted().toList());
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
      "names the watched namespace once: changing it in watched-namespace.yaml moves the Role, the RoleBinding and WATCH_NAMESPACES, and no 'shop' is left")
  void watchedNamespaceIsWrittenOnce(@TempDir Path copy) throws IOException {
    var kubectl = Install.kubectl();
    assumeTrue(
        kubectl.isPresent(),
        "ASSUMPTION: kubectl is not on PATH, so the namespace replacement was NOT rendered here");
    copyTree(Install.DEPLOY, copy.resolve("deploy"));
    copyTree(Install.CRD.getParent(), copy.resolve("crds"));
    Path source = copy.resolve("deploy/namespaced/watched-namespace.yaml");
    String original = Files.readString(source);
    assertThat(original).containsOnlyOnce("namespace: shop");
    Files.writeString(source, original.replace("namespace: shop", "namespace: payments"));

    String out = Install.kustomize(kubectl.get(), copy.resolve("deploy/namespaced"));
    List<HasMetadata> rendered = Install.parse(out);
    assertThat(out).doesNotContain("shop");
    assertThat(watchNamespaces(one(rendered, Deployment.class))).isEqualTo("payments");
    for (Class<? extends HasMetadata> type : List.of(Role.class, RoleBinding.class)) {
      assertThat(
              rendered.stream()
                  .filter(type::isInstance)
                  .filter(o -> o.getMetadata().getName().equals(Install.SERVICE_ACCOUNT))
                  .map(o -> o.getMetadata().getNamespace())
                  .toList())
          .as(type.getSimpleName())
          .containsExactly("payments");
    }
    assertThat(rendered).noneMatch(o -> o.getMetadata().getName().equals("watched-namespace"));
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @Test
  @DisplayName(
      "has no ClusterRole or ClusterRoleBinding, and a Role and RoleBinding for the operator in each watched namespace, shop in the example")
  void rolesPerWatchedNamespace() {
    assertThat(
            objects.stream()
                .map(HasMetadata::getKind)
                .filter(k -> k.startsWith("Cluster"))
                .toList())
        .isEmpty();
    assertThat(watched).containsExactly("shop");
    assertThat(inWatched(Role.class))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrderElementsOf(watched);
    assertThat(inWatched(RoleBinding.class))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrderElementsOf(watched);
    Subject operator =
        new Subject(null, "ServiceAccount", Install.SERVICE_ACCOUNT, Install.NAMESPACE);
    for (RoleBinding rb : inWatched(RoleBinding.class)) {
      assertThat(rb.getSubjects()).containsExactly(operator);
      assertThat(rb.getRoleRef())
          .isEqualTo(
              new RoleRef(
                  "rbac.authorization.k8s.io",
                  "Role",
                  watchedRole(rb.getMetadata().getNamespace()).getMetadata().getName()));
    }
    assertThat(objects.stream().map(NamespacedInstallTest::key).toList()).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName(
      "grants in each watched namespace exactly what the operator's dependents and informers use, the same rules as the cluster-wide ClusterRole")
  void exactlyWhatTheOperatorUses() {
    for (String ns : watched) {
      Role role = watchedRole(ns);
      assertThat(ClusterRoleTest.compare(Access.granted(role.getRules()), needed)).as(ns).isEmpty();
      assertThat(role.getRules()).isEqualTo(one(base, ClusterRole.class).getRules());
      role.getRules()
          .forEach(
              r -> {
                assertThat(r.getResources()).doesNotContain("*");
                assertThat(r.getVerbs()).doesNotContain("*");
                assertThat(r.getResourceNames()).isNullOrEmpty();
              });
    }
  }

  @Test
  @DisplayName(
      "shares the Namespace, CRD, ServiceAccount, leader election and operator Deployment with deploy/, but for WATCH_NAMESPACES")
  void copiesStayEqualToTheBase() {
    List<String> shared = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (o instanceof Deployment d) {
        Deployment fromBase = one(base, Deployment.class);
        assertThat(watchNamespaces(fromBase)).isEmpty();
        Deployment copy = Install.SERIALIZATION.clone(d);
        copy.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getName().equals("WATCH_NAMESPACES"))
            .forEach(e -> e.setValue(""));
        assertThat(copy).isEqualTo(fromBase);
        shared.add(key(o));
      } else if (Install.NAMESPACE.equals(o.getMetadata().getNamespace())
          || o.getMetadata().getNamespace() == null) {
        assertThat(base).as("deploy/ holds the same %s", key(o)).contains(o);
        shared.add(key(o));
      }
    }
    assertThat(shared).hasSize(objects.size() - 2 * watched.size());
  }

  @Test
  @DisplayName(
      "lets the real operator, watching shop, make only requests the shop Role and the leader-election Role allow")
  void tracedRunIsCovered() throws Exception {
    TracedOperatorRun run =
        TracedOperatorRun.start("ratelimiter-operator-namespaced-trace", watched);
    KubernetesClient admin = run.admin;
    try {
      List<RateLimitPolicy> policies = new ArrayList<>();
      for (String file : List.of("public-api.yaml", "multi-limit.yaml", "external-redis.yaml")) {
        for (HasMetadata o : Install.parse(Install.read(Install.EXAMPLES.resolve(file)))) {
          admin.resource(o).create();
          if (o instanceof RateLimitPolicy p && watched.contains(p.getMetadata().getNamespace())) {
            policies.add(p);
          }
        }
      }
      assertThat(policies).isNotEmpty();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                ClusterRoleTest.markAllReady(admin);
                return policies.stream().allMatch(p -> ClusterRoleTest.reconciled(admin, p));
              });
      ClusterRoleTest.edit(
          admin,
          "shop",
          "public-api",
          p -> {
            p.getSpec().getAgent().setAutoscaling(null);
            p.getSpec().getAgent().setReplicas(1);
          });
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  admin
                          .resources(HorizontalPodAutoscaler.class)
                          .inNamespace("shop")
                          .withName("public-api-agent")
                          .get()
                      == null);
      assertThat(
              admin
                  .resources(RateLimitPolicy.class)
                  .inNamespace("partners")
                  .withName("partner-api")
                  .get()
                  .getStatus())
          .as("a policy outside WATCH_NAMESPACES is left alone")
          .isNull();
    } finally {
      run.close();
    }

    Role leaderElection =
        objects.stream()
            .filter(Role.class::isInstance)
            .map(Role.class::cast)
            .filter(r -> Install.NAMESPACE.equals(r.getMetadata().getNamespace()))
            .findFirst()
            .orElseThrow();
    List<String> denied = new ArrayList<>();
    Set<Access> seen = new TreeSet<>();
    for (ClusterRoleTest.Call c : run.operatorCalls()) {
      seen.add(c.access());
      boolean allowed =
          (c.namespace() != null
                  && watched.contains(c.namespace())
                  && c.access().allowedBy(watchedRole(c.namespace()).getRules(), c.name()))
              || (Install.NAMESPACE.equals(c.namespace())
                  && c.access().allowedBy(leaderElection.getRules(), c.name()));
      if (!allowed) {
        denied.add(c.request() + " -> " + c.access());
      }
    }
    assertThat(denied)
        .as(
            "requests the namespaced RBAC would refuse (cluster-wide or outside the watched namespaces)")
        .isEmpty();
    assertThat(seen)
        .contains(
            new Access("apps", "deployments", "create"),
            new Access("autoscaling", "horizontalpodautoscalers", "delete"),
            new Access("ratelimiter.dev", "ratelimitpolicies/status", "update"),
            ClusterRoleTest.LEASE_CREATE);
  }
}
