package dev.ratelimiter.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.spec.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a timed test: excluded from the build (tag "bench"). Run with {@code mvn -B -pl operator test
 * -Dtest=OperatorBenchmarkTest -DexcludedGroups=none [-Dbench.policies=1000]}. Creates N policies
 * ({@code spec: {}}) against the mock API server with the real operator, measures the time until
 * every one is reconciled (status.observedGeneration written after all nine objects were created)
 * and the heap the operator holds (used heap after GC with the operator running, minus the same
 * with the operator stopped and the mock still holding every object).
 */
@Tag("bench")
@DisplayName("Benchmark: the operator")
class OperatorBenchmarkTest {

  static final int POLICIES = Integer.getInteger("bench.policies", 1000);
  static final int NAMESPACES = 10;

  static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    var mem = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return mem.getUsed();
  }

  static long reconciled(MockCluster cluster) {
    return cluster
        .client()
        .resources(RateLimitPolicy.class)
        .inAnyNamespace()
        .list()
        .getItems()
        .stream()
        .filter(
            p ->
                p.getStatus() != null
                    && p.getMetadata()
                        .getGeneration()
                        .equals(p.getStatus().getObservedGeneration()))
        .count();
  }

  static int count(MockCluster cluster, Class<? extends HasMetadata> type) {
    return cluster
        .client()
        .resources(type)
        .inAnyNamespace()
        .withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
        .list()
        .getItems()
        .size();
  }

  @Test
  @DisplayName("reconciles 1,000 policies against the mock API server")
  void thousandPolicies() throws Exception {
    try (MockCluster cluster = new MockCluster()) {
      List<String> namespaces = new ArrayList<>();
      for (int i = 0; i < NAMESPACES; i++) {
        namespaces.add(cluster.newNamespace("bench"));
      }
      long heapBaseline = usedHeapAfterGc();
      cluster.startOperator();
      long heapIdleOperator = usedHeapAfterGc();

      Instant start = Instant.now();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> creates = new ArrayList<>();
      for (int i = 0; i < POLICIES; i++) {
        String ns = namespaces.get(i % NAMESPACES);
        String name = "policy-" + i;
        creates.add(
            pool.submit(
                () -> cluster.create(Policies.policy(ns, name, new RateLimitPolicySpec()))));
      }
      for (Future<?> f : creates) {
        f.get();
      }
      pool.shutdown();
      Duration created = Duration.between(start, Instant.now());

      List<String> progress = new ArrayList<>();
      await()
          .atMost(Duration.ofMinutes(20))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                long done = reconciled(cluster);
                progress.add(Duration.between(start, Instant.now()).toSeconds() + "s:" + done);
                return done == POLICIES;
              });
      Duration allReconciled = Duration.between(start, Instant.now());

      assertThat(count(cluster, Deployment.class)).isEqualTo(2 * POLICIES);
      assertThat(count(cluster, Service.class)).isEqualTo(2 * POLICIES);
      assertThat(count(cluster, Secret.class)).isEqualTo(2 * POLICIES);
      assertThat(count(cluster, ConfigMap.class)).isEqualTo(POLICIES);
      assertThat(count(cluster, NetworkPolicy.class)).isEqualTo(POLICIES);
      assertThat(count(cluster, PodDisruptionBudget.class)).isEqualTo(POLICIES);

      long heapWithOperator = usedHeapAfterGc();
      cluster.stopOperator();
      long heapMockOnly = usedHeapAfterGc();

      String report =
          String.format(
              "policies=%d namespaces=%d cores=%d maxHeap=%dMiB%n"
                  + "creates accepted by the API: %.1f s%n"
                  + "all reconciled (9 objects each + status): %.1f s (%.0f policies/s)%n"
                  + "heap after GC: baseline (mock, empty) %d MiB; operator started, idle %d MiB; "
                  + "after reconcile with operator %d MiB; after operator stopped %d MiB%n"
                  + "operator heap at %d policies ~= %d MiB (with - without operator); idle operator %d MiB%n"
                  + "progress (elapsed:reconciled): %s%n",
              POLICIES,
              NAMESPACES,
              Runtime.getRuntime().availableProcessors(),
              Runtime.getRuntime().maxMemory() >> 20,
              created.toMillis() / 1000.0,
              allReconciled.toMillis() / 1000.0,
              POLICIES / (allReconciled.toMillis() / 1000.0),
              heapBaseline >> 20,
              heapIdleOperator >> 20,
              heapWithOperator >> 20,
              heapMockOnly >> 20,
              POLICIES,
              (heapWithOperator - heapMockOnly) >> 20,
              (heapIdleOperator - heapBaseline) >> 20,
              String.join(" ", progress));
      System.out.println("=== operator benchmark ===\n" + report);
      Path out = Path.of("target", "bench-operator.txt");
      try {
        Files.writeString(out, report);
      } catch (IOException e) {
        // report already printed
      }
    }
  }
}
