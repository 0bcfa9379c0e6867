package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.OperatorMain;
import dev.ratelimiter.operator.RateLimitPolicyReconciler;
import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RedisSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The operator's RBAC (deploy/cluster-role.yaml, deploy/leader-election-rbac.yaml)")
class ClusterRoleTest {

  static final Access LEASE_CREATE = Access.of(Lease.class, "create");
  static final Access LEASE_GET = Access.of(Lease.class, "get");
  static final Access LEASE_UPDATE = Access.of(Lease.class, "update");

  /** fabric8 7.5.2's LeaseLock renews with a patch (seen in the traced run). */
  static final Access LEASE_PATCH = Access.of(Lease.class, "patch");

  /** Allowed to every authenticated user by Kubernetes' built-in system:basic-user ClusterRole. */
  static final Access RULES_REVIEW =
      new Access("authorization.k8s.io", "selfsubjectrulesreviews", "create");

  static ClusterRole clusterRole;
  static Role leaderElection;
  static Map<Access, String> needed;

  @BeforeAll
  static void derive() {
    List<HasMetadata> install = Kustomization.objects(Install.DEPLOY);
    clusterRole =
        install.stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .findFirst()
            .orElseThrow();
    leaderElection =
        install.stream()
            .filter(Role.class::isInstance)
            .map(Role.class::cast)
            .findFirst()
            .orElseThrow();
    // the informers are read off the real operator, registered as OperatorMain registers it
    try (MockCluster cluster = new MockCluster()) {
      Operator operator = cluster.startOperator();
      needed =
          new RequiredAccess()
              .fromWorkflow(RateLimitPolicyReconciler.class)
              .fromInformers(operator)
              .declared()
              .needs();
    }
  }

  /** "missing: ..." and "beyond: ..." lines; empty when the grants are exactly the needs. */
  static List<String> compare(Set<Access> granted, Map<Access, String> needs) {
    List<String> out = new ArrayList<>();
    needs.forEach(
        (a, why) -> {
          if (!granted.contains(a)) {
            out.add("missing: " + a + " (needed by " + why + ")");
          }
        });
    for (Access a : granted) {
      if (!needs.containsKey(a)) {
        out.add("beyond what the operator uses: " + a);
      }
    }
    return out;
  }

  @Test
  @DisplayName(
      "is derived from the code: every dependent's kind, the policies and their status, events and pods")
  void derivationSeesTheOperator() {
    Set<String> resources = new TreeSet<>();
    needed.keySet().forEach(a -> resources.add(a.group() + "/" + a.resource()));
    assertThat(resources)
        .contains(
            "ratelimiter.dev/ratelimitpolicies",
            "ratelimiter.dev/ratelimitpolicies/status",
            "ratelimiter.dev/ratelimitoverrides",
            "ratelimiter.dev/ratelimitoverrides/status",
            "/configmaps",
            "/secrets",
            "/services",
            "/events",
            "/pods",
            "apps/deployments",
            "autoscaling/horizontalpodautoscalers",
            "policy/poddisruptionbudgets",
            "networking.k8s.io/networkpolicies");
    // create-once Secrets are never updated, so the role need not allow it
    assertThat(needed).doesNotContainKey(new Access("", "secrets", "update"));
    assertThat(needed).containsKey(new Access("", "secrets", "delete"));
  }

  @Test
  @DisplayName(
      "grants every (group, resource, verb) the operator's dependents and informers use, and nothing beyond")
  void exactlyWhatTheOperatorUses() {
    assertThat(compare(Access.granted(clusterRole.getRules()), needed)).isEmpty();
  }

  @Test
  @DisplayName("has no wildcard, no resourceNames and no nonResourceURLs")
  void noWildcards() {
    for (PolicyRule r : clusterRole.getRules()) {
      assertThat(r.getApiGroups()).doesNotContain("*");
      assertThat(r.getResources()).doesNotContain("*");
      assertThat(r.getVerbs()).doesNotContain("*");
      assertThat(r.getResourceNames()).isNullOrEmpty();
      assertThat(r.getNonResourceURLs()).isNullOrEmpty();
    }
  }

  @Test
  @DisplayName("would report a missing and an extra grant (the comparison can fail)")
  void comparisonCanFail() {
    Set<Access> granted = new TreeSet<>(Access.granted(clusterRole.getRules()));
    granted.remove(new Access("apps", "deployments", "update"));
    granted.add(new Access("", "secrets", "update"));
    assertThat(compare(granted, needed))
        .containsExactlyInAnyOrder(
            "missing: apps deployments update (needed by "
                + needed.get(new Access("apps", "deployments", "update"))
                + ")",
            "beyond what the operator uses: core secrets update");
  }

  @Test
  @DisplayName(
      "lets the operator create Leases and read, update and patch only its own, ratelimiter-operator, in its namespace")
  void leaderElectionRole() {
    assertThat(leaderElection.getMetadata().getNamespace()).isEqualTo(Install.NAMESPACE);
    assertThat(leaderElection.getRules())
        .containsExactlyInAnyOrder(
            new PolicyRuleBuilder()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("create")
                .build(),
            new PolicyRuleBuilder()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withResourceNames(OperatorMain.LEASE_NAME)
                .withVerbs("get", "update", "patch")
                .build());
    // the verbs JOSDK's leader election checks before it starts
    // (LeaderElectionManager.checkLeaseAccess)
    for (Access a : List.of(LEASE_CREATE, LEASE_GET, LEASE_UPDATE)) {
      assertThat(a.allowedBy(leaderElection.getRules(), OperatorMain.LEASE_NAME))
          .as(a.toString())
          .isTrue();
    }
    assertThat(LEASE_PATCH.allowedBy(leaderElection.getRules(), "someone-elses-lease")).isFalse();
  }

  // ---- the traced run --------------------------------------------------------------------------

  /** One API request as RBAC sees it. */
  record Call(Access access, String namespace, String name, String request) {}

  /** RBAC's view of a request path, or null for a non-resource URL such as /version. */
  static Call call(String method, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    String[] s = uri.getRawPath().substring(1).split("/");
    int i;
    String group;
    if (s[0].equals("api") && s.length > 2) {
      group = "";
      i = 2;
    } else if (s[0].equals("apis") && s.length > 3) {
      group = s[1];
      i = 3;
    } else {
      return null;
    }
    String namespace = null;
    if (s.length > i + 2 && s[i].equals("namespaces")) {
      namespace = s[i + 1];
      i += 2;
    }
    String resource = s[i];
    String name = s.length > i + 1 ? s[i + 1] : null;
    if (s.length > i + 2) {
      resource += "/" + s[i + 2];
    }
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    boolean watch = query.matches("(.*&)?watch=(true|1)(&.*)?");
    String verb =
        switch (method) {
          case "GET" -> watch ? "watch" : name == null ? "list" : "get";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name == null ? "deletecollection" : "delete";
          default -> method.toLowerCase();
        };
    return new Call(
        new Access(group, resource, verb), namespace, name, method + " " + pathAndQuery);
  }

  @Test
  @DisplayName("maps request paths to (group, resource, verb) the way RBAC does")
  void callMapping() {
    assertThat(call("GET", "/apis/apps/v1/deployments?labelSelector=a%3Db&watch=true").access())
        .isEqualTo(new Access("apps", "deployments", "watch"));
    assertThat(call("GET", "/api/v1/secrets?labelSelector=x").access())
        .isEqualTo(new Access("", "secrets", "list"));
    assertThat(
            call("PUT", "/apis/ratelimiter.dev/v1alpha1/namespaces/a/ratelimitpolicies/p/status"))
        .isEqualTo(
            new Call(
                new Access("ratelimiter.dev", "ratelimitpolicies/status", "update"),
                "a",
                "p",
                "PUT /apis/ratelimiter.dev/v1alpha1/namespaces/a/ratelimitpolicies/p/status"));
    assertThat(call("DELETE", "/api/v1/namespaces/a/secrets/s").access())
        .isEqualTo(new Access("", "secrets", "delete"));
    assertThat(call("GET", "/api/v1/namespaces/a").access())
        .isEqualTo(new Access("", "namespaces", "get"));
    assertThat(call("GET", "/version")).isNull();
  }

  @Test
  @DisplayName(
      "allows every request the real operator makes while it creates, changes and prunes the examples' objects")
  void tracedRunIsCovered() throws Exception {
    TracedOperatorRun run = TracedOperatorRun.start("ratelimiter-operator-rbac-trace", Set.of());
    KubernetesClient admin = run.admin;
    try {

      List<RateLimitPolicy> policies = new ArrayList<>();
      for (String file :
          List.of("public-api.yaml", "multi-limit.yaml", "external-redis.yaml", "backend.yaml")) {
        for (HasMetadata o : Install.parse(Install.read(Install.EXAMPLES.resolve(file)))) {
          admin.resource(o).create();
          if (o instanceof RateLimitPolicy p) {
            policies.add(p);
          }
        }
      }
      // play the Deployment controller until the operator has reconciled every policy
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                markAllReady(admin);
                return policies.stream().allMatch(p -> reconciled(admin, p));
              });
      // changes that make the operator delete what no longer applies: the HPA and PDB of
      // public-api, the Redis objects of search-api
      edit(
          admin,
          "shop",
          "public-api",
          p -> {
            p.getSpec().getAgent().setAutoscaling(null);
            p.getSpec().getAgent().setReplicas(1);
          });
      edit(
          admin,
          "shop",
          "search-api",
          p -> {
            ExternalRedis external = new ExternalRedis();
            external.setUrl("redis://redis.shared.svc:6379");
            RedisSpec redis = new RedisSpec();
            redis.setExternal(external);
            p.getSpec().setRedis(redis);
          });
      // an invalid spec: the operator records a Warning Event
      edit(admin, "partners", "partner-api", p -> p.getSpec().getLimits().get(0).setRequests(0L));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                markAllReady(admin);
                return admin
                            .resources(HorizontalPodAutoscaler.class)
                            .inNamespace("shop")
                            .withName("public-api-agent")
                            .get()
                        == null
                    && admin
                            .apps()
                            .deployments()
                            .inNamespace("shop")
                            .withName("search-api-redis")
                            .get()
                        == null
                    && !admin.v1().events().inNamespace("partners").list().getItems().isEmpty()
                    && admin
                            .leases()
                            .inNamespace(Install.NAMESPACE)
                            .withName(OperatorMain.LEASE_NAME)
                            .get()
                        != null;
              });
    } finally {
      run.close();
    }

    Map<Access, List<String>> seen = new TreeMap<>();
    List<String> denied = new ArrayList<>();
    for (Call c : run.operatorCalls()) {
      seen.computeIfAbsent(c.access(), k -> new ArrayList<>()).add(c.request());
      boolean allowed =
          c.access().allowedBy(clusterRole.getRules(), c.name())
              || (Install.NAMESPACE.equals(c.namespace())
                  && c.access().allowedBy(leaderElection.getRules(), c.name()));
      if (!allowed) {
        denied.add(c.request() + " -> " + c.access());
      }
    }

    assertThat(denied).as("requests the installed RBAC would refuse").isEmpty();
    // every access actually used is one the derivation predicted (or leader election's)
    Set<Access> unpredicted = new TreeSet<>(seen.keySet());
    unpredicted.removeAll(needed.keySet());
    unpredicted.removeAll(List.of(LEASE_CREATE, LEASE_GET, LEASE_UPDATE, LEASE_PATCH));
    assertThat(unpredicted)
        .as("accesses the operator used that RequiredAccess did not derive")
        .isEmpty();
    // the run did exercise the paths that matter
    assertThat(seen.keySet())
        .contains(
            new Access("apps", "deployments", "create"),
            new Access("apps", "deployments", "update"),
            new Access("apps", "deployments", "delete"),
            new Access("autoscaling", "horizontalpodautoscalers", "delete"),
            new Access("", "secrets", "create"),
            new Access("", "events", "create"),
            new Access("ratelimiter.dev", "ratelimitpolicies/status", "update"),
            LEASE_CREATE,
            LEASE_PATCH);
  }

  static void edit(
      KubernetesClient client,
      String ns,
      String name,
      java.util.function.Consumer<RateLimitPolicy> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .resources(RateLimitPolicy.class)
            .inNamespace(ns)
            .withName(name)
            .edit(
                p -> {
                  change.accept(p);
                  return p;
                });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  /** The operator has acted on the policy's current generation and its agent Deployment exists. */
  static boolean reconciled(KubernetesClient client, RateLimitPolicy p) {
    String ns = p.getMetadata().getNamespace();
    RateLimitPolicy now =
        client
            .resources(RateLimitPolicy.class)
            .inNamespace(ns)
            .withName(p.getMetadata().getName())
            .get();
    return now != null
        && now.getStatus() != null
        && now.getMetadata().getGeneration().equals(now.getStatus().getObservedGeneration())
        && client
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName(p.getMetadata().getName() + "-agent")
                .get()
            != null;
  }

  /** All desired replicas of every Deployment are ready (the mock runs no controllers). */
  static void markAllReady(KubernetesClient client) {
    for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
      int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      if (d.getStatus() != null
          && Integer.valueOf(replicas).equals(d.getStatus().getReadyReplicas())) {
        continue;
      }
      try {
        client
            .apps()
            .deployments()
            .inNamespace(d.getMetadata().getNamespace())
            .withName(d.getMetadata().getName())
            .editStatus(
                x -> {
                  x.setStatus(
                      new DeploymentStatusBuilder()
                          .withObservedGeneration(x.getMetadata().getGeneration())
                          .withReplicas(replicas)
                          .withReadyReplicas(replicas)
                          .withAvailableReplicas(replicas)
                          .withUpdatedReplicas(replicas)
                          .build());
                  return x;
                });
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        // raced the operator's update; the next poll retries
      }
    }
  }
}
