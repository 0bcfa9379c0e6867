package dev.ratelimiter.e2e;

import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Edit-to-enforced latency: the time from an admin's edit of {@code spec.limits} (the API call
 * returning) until every agent serves the new generation ({@code GET /admin/policy}), and until the
 * status says {@code Enforced=True} for it. Not a timed test: tagged {@code bench}, excluded by
 * default.
 */
@Tag("bench")
@DisplayName("Edit-to-enforced latency benchmark")
class EditToEnforcedBenchmarkIT {

  @Test
  @DisplayName("measures 20 edits of a live policy served by three agents")
  void editToEnforced() throws Exception {
    int edits = Integer.getInteger("bench.edits", 20);
    int replicas = Integer.getInteger("bench.agents", 3);
    try (E2eCluster cluster = new E2eCluster()) {
      cluster.createNamespace("bench");
      try (Kubelet kubelet = cluster.kubelet("bench")) {
        cluster.startOperator();
        RateLimitPolicySpec spec = new RateLimitPolicySpec();
        spec.setLimits(List.of(new LimitSpec("per-minute", 100, "1m", null)));
        AgentSpec agent = new AgentSpec();
        agent.setReplicas(replicas);
        spec.setAgent(agent);
        cluster.create("bench", "api", spec);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> enforced(cluster, 1) && kubelet.readyAgents().size() == replicas);

        List<Double> agentsMs = new ArrayList<>();
        List<Double> statusMs = new ArrayList<>();
        for (int i = 0; i < edits; i++) {
          long requests = 101 + i;
          long generation = 2 + i;
          long t0 = System.nanoTime();
          cluster.edit(
              "bench",
              "api",
              s -> s.setLimits(List.of(new LimitSpec("per-minute", requests, "1m", null))));
          long edited = System.nanoTime();
          await()
              .atMost(Duration.ofSeconds(30))
              .pollDelay(Duration.ZERO)
              .pollInterval(Duration.ofMillis(5))
              .until(
                  () ->
                      kubelet.readyAgents().stream()
                          .allMatch(
                              a -> Http.policyInForce(a).get("generation").asLong() == generation));
          long agentsDone = System.nanoTime();
          await()
              .atMost(Duration.ofSeconds(30))
              .pollDelay(Duration.ZERO)
              .pollInterval(Duration.ofMillis(5))
              .until(() -> enforced(cluster, generation));
          long statusDone = System.nanoTime();
          agentsMs.add((agentsDone - edited) / 1e6);
          statusMs.add((statusDone - edited) / 1e6);
          System.out.printf(
              "edit %2d: edit call %.0f ms, all %d agents enforce generation %d after %.0f ms, Enforced=True after %.0f ms%n",
              i + 1, (edited - t0) / 1e6, replicas, generation, agentsMs.get(i), statusMs.get(i));
        }
        String report =
            String.format(
                "edits=%d agents=%d%nall agents enforce: %s%nEnforced=True in status: %s%n",
                edits, replicas, summary(agentsMs), summary(statusMs));
        System.out.print(report);
        Path out =
            Path.of(System.getProperty("e2e.logs", "target/e2e-logs"))
                .resolveSibling("bench-edit-to-enforced.txt");
        Files.writeString(out, report);
      }
    }
  }

  static boolean enforced(E2eCluster cluster, long generation) {
    return cluster
        .condition("bench", "api", "Enforced")
        .filter(c -> "True".equals(c.getStatus()) && c.getObservedGeneration() == generation)
        .isPresent();
  }

  static String summary(List<Double> ms) {
    List<Double> sorted = ms.stream().sorted().toList();
    return String.format(
        "p50 %.0f ms, p90 %.0f ms, p99/max %.0f ms, min %.0f ms",
        percentile(sorted, 50),
        percentile(sorted, 90),
        sorted.get(sorted.size() - 1),
        sorted.get(0));
  }

  static double percentile(List<Double> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
